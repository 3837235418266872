// In-kernel memory benchmarks (KTEST_MANUAL, run by the shell's `bench` command, or by
// `test=bench.heap.kmalloc_kfree` etc.). Each prints one line on the test output:
//   KBENCH <name>: <n> <events>, <cycles> cycles per <event>, <ns> ns per <event>
// Under QEMU's TCG the TSC follows host time: the numbers measure the emulated kernel.
#include <hal/cpu.hpp>

#include "ktest.hpp"
#include "memory/heap.hpp"
#include "memory/pmm.hpp"
#include "time.hpp"

namespace kernel {

namespace {

constexpr u32 kRounds = 20'000;

struct Start {
  u64 tsc = hal::cpu::rdtsc();
  u64 ns = time::now_ns();
};

void report(libk::StringView name, u64 count, libk::StringView event, const Start& start) {
  u64 cycles = (hal::cpu::rdtsc() - start.tsc) / count;
  u64 ns = (time::now_ns() - start.ns) / count;
  libk::format_to(ktest::out(), "KBENCH {}: {} {}s, {} cycles per {}, {} ns per {}\n", name, count,
                  event, cycles, event, ns, event);
}

}  // namespace

KTEST_MANUAL("bench.heap.kmalloc_kfree") {
  Start start;
  for (u32 i = 0; i < kRounds; ++i) {
    void* p = kmalloc(64);
    if (!KEXPECT(p != nullptr)) return;
    kfree(p);
  }
  report("bench.heap.kmalloc_kfree", kRounds, "pair", start);
}

KTEST_MANUAL("bench.pmm.frame_allocate_free") {
  Start start;
  for (u32 i = 0; i < kRounds; ++i) {
    auto frame = pmm::allocate(0);
    if (!KEXPECT(frame.has_value())) return;
    pmm::free(*frame, 0);
  }
  report("bench.pmm.frame_allocate_free", kRounds, "pair", start);
}

}  // namespace kernel
