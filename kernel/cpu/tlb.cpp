#include "cpu/tlb.hpp"

#include <hal/interrupts.hpp>
#include <hal/tlb.hpp>

#include "cpu/ipi.hpp"
#include "cpu/percpu.hpp"

namespace kernel::tlb {

namespace {

struct Range {
  u64 virt, size;
};

struct Counters {
  libk::Atomic<u64> shootdowns{0};
  libk::Atomic<u64> ipis{0};
};
constinit PerCpu<Counters> counters;

constexpr u64 kEverything = ~u64{0};

void flush(void* arg) {
  const Range& r = *static_cast<const Range*>(arg);
  if (r.size == kEverything)
    hal::tlb::flush_all();
  else
    hal::tlb::flush_range(r.virt, r.size);
}

u32 bits(u64 mask) { return u32(__builtin_popcountll(mask)); }

}  // namespace

void shootdown_all() { shootdown(0, kEverything); }

void shootdown(u64 virt, u64 size) {
  hal::interrupts::Guard stay_here;  // the IPI record and the counters are this CPU's
  Range r{virt, size};
  flush(&r);
  u64 others = ipi::others_online();
  Counters& c = counters.local();
  c.shootdowns.fetch_add(1, libk::MemoryOrder::Relaxed);
  if (others == 0) return;
  c.ipis.fetch_add(bits(others), libk::MemoryOrder::Relaxed);
  ipi::call_on(others, flush, &r);
}

Stats stats() {
  Stats s{};
  for (u32 i = 0; i < cpu_count(); ++i) {
    s.shootdowns += counters.of(i).shootdowns.load(libk::MemoryOrder::Relaxed);
    s.ipis += counters.of(i).ipis.load(libk::MemoryOrder::Relaxed);
  }
  return s;
}

}  // namespace kernel::tlb
