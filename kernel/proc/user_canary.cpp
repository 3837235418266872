#include "proc/user_canary.hpp"

#include <hal/cpu.hpp>
#include <libk/atomic.hpp>

#include "cpu/info.hpp"

namespace kernel::proc {

namespace {

constinit libk::Atomic<u64> fallback_counter{0};

// splitmix64's finaliser: every input bit affects every output bit.
u64 mix(u64 z) {
  z = (z ^ (z >> 30)) * 0xbf58'476d'1ce4'e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d0'49bb'1331'11ebull;
  return z ^ (z >> 31);
}

}  // namespace

u64 new_canary() {
  u64 value = 0;
  bool random = false;
  if (cpu::info().rdrand)
    for (int i = 0; i < 10 && !random; ++i) random = hal::cpu::rdrand(value);
  if (!random) {
    u64 n = fallback_counter.fetch_add(1, libk::MemoryOrder::Relaxed);
    value = mix(hal::cpu::rdtsc() + n * 0x9e37'79b9'7f4a'7c15ull);
  }
  value &= ~u64{0xff};
  return value != 0 ? value : 0x5c0f'fee5'eed0'e300ull;
}

}  // namespace kernel::proc
