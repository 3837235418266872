// In-kernel benchmarks of several CPUs (KTEST_MANUAL; tests/qemu/smp_tests.py `bench` boots
// them on 1 and 2 CPUs and prints the ratios; docs/smp.md lists results). Lines:
//   KBENCH smp.<name>: <figures>
// Cycles are TSC ticks of the emulated CPU: under TCG they follow host time.
#include <hal/cpu.hpp>

#include "cpu/percpu.hpp"
#include "cpu/tlb.hpp"
#include "ktest.hpp"
#include "memory/heap.hpp"
#include "memory/layout.hpp"
#include "sched/scheduler.hpp"
#include "sync/semaphore.hpp"
#include "time.hpp"

namespace kernel {

namespace {

// One thread per online CPU, pinned there, all released at once; returns the wall time from
// the release to the last one's end, in ns.
struct Crew {
  libk::Atomic<bool> go{false};
  Thread::Entry work = nullptr;
  void* arg = nullptr;
};
constinit Crew crew;

void wait_then_work(void*) {
  while (!crew.go.load()) hal::cpu::pause();
  crew.work(crew.arg);
}

u64 run_crew(ktest::Context& t, Thread::Entry work, void* arg, u32* threads) {
  crew.go.store(false);
  crew.work = work;
  crew.arg = arg;
  Thread* started[kMaxCpus] = {};
  u32 n = 0;
  for (u32 i = 0; i < cpu_count(); ++i) {
    if (cpu_at(i).state.load() != CpuState::Online) continue;
    auto r = thread::create("bench", wait_then_work, nullptr, {.cpu = i});
    if (!KEXPECT(r.ok())) break;
    started[n++] = r.value();
  }
  u64 start = time::now_ns();
  crew.go.store(true);
  for (u32 i = 0; i < n; ++i) thread::join(*started[i]);
  *threads = n;
  return time::now_ns() - start;
}

// --- CPU-bound work, split among the CPUs ----------------------------------------------

constexpr u64 kTotalWork = u64{1} << 28;  // xorshift steps, all CPUs together
constinit u64 work_share = 0;
constinit libk::Atomic<u64> work_checksum{0};

void crunch(void*) {
  u64 x = 0x9e3779b97f4a7c15 ^ this_cpu_index();
  for (u64 i = 0; i < work_share; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
  }
  work_checksum.fetch_add(x);  // keeps the loop from being optimized away
}

// --- kmalloc/kfree pairs, the same number on every CPU ---------------------------------

constexpr u64 kPairsPerCpu = 1'000'000;

void allocate_free_pairs(void*) {
  for (u64 i = 0; i < kPairsPerCpu; ++i) {
    void* p = heap::allocate(64);
    if (p == nullptr) return;
    *static_cast<volatile u8*>(p) = u8(i);
    heap::free(p);
  }
}

// --- Wake-up latency: a blocked thread on this CPU or another ---------------------------

constexpr u32 kWakeRounds = 200;

struct WakeBench {
  Semaphore sem{"bench-wake"};
  libk::Atomic<u64> stamp{0};  // the waker's TSC just before up()
  libk::Atomic<u32> done{0};
  u64 latency[kWakeRounds] = {};
};
constinit WakeBench wake;

void wakee(void*) {
  for (u32 i = 0; i < kWakeRounds; ++i) {
    wake.sem.down();
    wake.latency[i] = hal::cpu::rdtsc() - wake.stamp.load();
    wake.done.store(i + 1);
  }
}

u64 median(u64* values, u32 n) {
  for (u32 i = 1; i < n; ++i)
    for (u32 j = i; j > 0 && values[j - 1] > values[j]; --j) libk::swap(values[j - 1], values[j]);
  return values[n / 2];
}

// The wakee, pinned to `cpu` above main's priority, blocks; main stamps and wakes it once it
// is blocked, and waits for it to note the latency. Returns the median in cycles.
u64 wake_latency(ktest::Context& t, u32 cpu) {
  wake.done.store(0);
  ThreadOptions o;
  o.priority = sched::kDefaultPriority + 1;
  o.slice_ns = time::kNsPerSecond;
  o.cpu = cpu;
  auto r = thread::create("wakee", wakee, nullptr, o);
  if (!KEXPECT(r.ok())) return 0;
  Thread& w = *r.value();
  for (u32 i = 0; i < kWakeRounds; ++i) {
    while (w.state() != sched::ThreadState::Blocked) hal::cpu::pause();
    wake.stamp.store(hal::cpu::rdtsc());
    wake.sem.up();
    while (wake.done.load() != i + 1) hal::cpu::pause();
  }
  thread::join(w);
  return median(wake.latency, kWakeRounds);
}

}  // namespace

KTEST_MANUAL("bench.smp.cpu_bound") {
  u32 cpus = online_count();
  work_share = kTotalWork / cpus;
  u32 threads = 0;
  u64 ns = run_crew(t, crunch, nullptr, &threads);
  libk::format_to(ktest::out(), "KBENCH smp.cpu_bound: {} threads, {} steps, {} us\n", threads,
                  work_share * threads, ns / 1000);
}

KTEST_MANUAL("bench.smp.kmalloc_pairs") {
  u32 threads = 0;
  u64 ns = run_crew(t, allocate_free_pairs, nullptr, &threads);
  u64 pairs = kPairsPerCpu * threads;
  libk::format_to(ktest::out(), "KBENCH smp.kmalloc_pairs: {} threads, {} pairs, {} pairs/s\n",
                  threads, pairs, pairs * time::kNsPerSecond / (ns ? ns : 1));
}

KTEST_MANUAL("bench.smp.wake_latency") {
  u32 self = this_cpu_index();
  u64 same = wake_latency(t, self);
  libk::format_to(ktest::out(), "KBENCH smp.wake_latency.same_cpu: median {} cycles\n", same);
  for (u32 i = 0; i < cpu_count(); ++i) {
    if (i == self || cpu_at(i).state.load() != CpuState::Online) continue;
    u64 cross = wake_latency(t, i);
    libk::format_to(ktest::out(), "KBENCH smp.wake_latency.cross_cpu: median {} cycles\n", cross);
    break;
  }
}

KTEST_MANUAL("bench.smp.shootdown") {
  constexpr u64 kBase = layout::kMmioAreaBase + layout::kAreaSize - 62 * libk::MiB;
  constexpr u32 kBatches = 1000;
  constexpr u64 kBatchPages[] = {1, 32};
  for (u64 pages : kBatchPages) {
    u64 start = hal::cpu::rdtsc();
    for (u32 i = 0; i < kBatches; ++i) tlb::shootdown(kBase, pages * libk::kPageSize);
    u64 per_batch = (hal::cpu::rdtsc() - start) / kBatches;
    libk::format_to(ktest::out(),
                    "KBENCH smp.shootdown.{}_pages: {} CPUs, {} cycles per batch, {} per page\n",
                    pages, online_count(), per_batch, per_batch / pages);
  }
}

}  // namespace kernel
