// In-kernel tests that threads leave nothing behind: 10,000 created and joined, detached
// threads freed by the scheduler, and (KTEST_MANUAL, one per boot) a thread that overflows
// its stack into the guard page.
#include "cpu/percpu.hpp"
#include "ktest.hpp"
#include "log.hpp"
#include "memory/heap.hpp"
#include "memory/pmm.hpp"
#include "memory/stacks.hpp"
#include "memory/vm.hpp"
#include "sched/scheduler.hpp"
#include "time.hpp"

namespace kernel {

namespace {

// Everything a thread owns, counted: free frames after returning empty slabs, slab objects
// and large heap blocks in use, live stacks, live threads.
struct Baseline {
  u64 free_frames, slab_in_use, large_blocks, stacks, threads;

  static Baseline take() {
    heap::trim();
    vm::purge();  // freed blocks' frames wait for a purge
    u64 in_use = 0;
    for (usize i = 0; i < heap::caches().size(); ++i) in_use += heap::cache_stats(i).in_use;
    return {pmm::stats().free_frames, in_use, heap::large_stats().live_blocks, stacks::stats().live,
            Scheduler::stats().threads_live};
  }
  void expect_equal(ktest::Context& t, const Baseline& other) const {
    KEXPECT_EQ(free_frames, other.free_frames);
    KEXPECT_EQ(slab_in_use, other.slab_in_use);
    KEXPECT_EQ(large_blocks, other.large_blocks);
    KEXPECT_EQ(stacks, other.stacks);
    KEXPECT_EQ(threads, other.threads);
  }
};

constexpr u64 kThreads = 10'000;
constinit Thread* wave[kThreads] = {};

// How many threads can be alive at once: all 10,000 (160 MiB of stacks) when they fit in
// half of the free memory, else fewer per wave (small -m settings).
u64 wave_size() {
  u64 per_thread = stacks::kDefaultSize + 4 * libk::KiB;  // the stack, its page tables, the object
  u64 fit = pmm::stats().free_frames * libk::kPageSize / 2 / per_thread;
  return libk::max(u64{1}, libk::min(kThreads, fit));
}
constinit u64 sum_of_indices = 0;
constinit u64 ran_on[kMaxCpus] = {};  // threads that ran on each CPU

void add_index(void* arg) {
  __atomic_fetch_add(&sum_of_indices, reinterpret_cast<u64>(arg), __ATOMIC_RELAXED);
  __atomic_fetch_add(&ran_on[this_cpu_index()], 1, __ATOMIC_RELAXED);
}

}  // namespace

KTEST("thread.lifecycle.10000_threads_created_and_joined_leave_no_trace") {
  Baseline before = Baseline::take();
  u64 created_before = Scheduler::stats().threads_created;
  u64 per_wave = wave_size();
  u64 start = time::now_ns();
  sum_of_indices = 0;
  for (u64& n : ran_on) n = 0;
  for (u64 base = 0; base < kThreads; base += per_wave) {
    u64 n = libk::min(per_wave, kThreads - base);
    for (u64 i = 0; i < n; ++i) {
      auto r = thread::create("many", add_index, reinterpret_cast<void*>(base + i + 1));
      if (!KEXPECT(r.ok())) return;
      wave[i] = r.value();
    }
    for (u64 i = 0; i < n; ++i) KEXPECT_EQ(thread::join(*wave[i]), i64(0));
  }
  u64 elapsed = time::now_ns() - start;
  log::info(
      "sched: {} threads created and joined in {} ms ({} us each), up to {} alive at "
      "once",
      kThreads, elapsed / time::kNsPerMs, elapsed / kThreads / 1000, per_wave);
  KEXPECT_EQ(sum_of_indices, kThreads * (kThreads + 1) / 2);
  // Created unpinned, each goes where sched::place says: an idle CPU first. How they spread
  // depends on how fast the other CPUs finish theirs (logged, not checked); that every one
  // ran exactly once is checked.
  u64 total = 0, cpus_used = 0;
  for (u64 n : ran_on) {
    total += n;
    cpus_used += n != 0;
  }
  KEXPECT_EQ(total, kThreads);
  log::info("sched: the threads ran on {} of {} CPUs (CPU 0: {}, CPU 1: {})", cpus_used,
            online_count(), ran_on[0], ran_on[1]);
  KEXPECT_EQ(Scheduler::stats().threads_created - created_before, kThreads);
  KEXPECT(stacks::stats().peak >= per_wave);  // a whole wave was alive at once
  Baseline::take().expect_equal(t, before);
}

namespace {

constexpr u64 kDetached = 200;
constinit u64 detached_done = 0;

void count_and_exit(void*) { __atomic_fetch_add(&detached_done, 1, __ATOMIC_RELAXED); }

}  // namespace

KTEST("thread.detach.detached_threads_are_freed_when_they_exit") {
  Baseline before = Baseline::take();
  detached_done = 0;
  // Half are created detached, half detached afterwards (some may have exited by then:
  // detach frees those at once).
  ThreadOptions detached;
  detached.detached = true;
  for (u64 i = 0; i < kDetached; ++i) {
    bool at_creation = i % 2 == 0;
    auto r = thread::create("detached", count_and_exit, nullptr,
                            at_creation ? detached : ThreadOptions{});
    if (!KEXPECT(r.ok())) return;
    if (!at_creation) thread::detach(*r.value());
  }
  // They run and exit while main sleeps; each is freed by the thread that runs after it.
  u64 deadline = time::now_ns() + 2 * time::kNsPerSecond;
  while (Scheduler::stats().threads_live != before.threads && time::now_ns() < deadline)
    thread::sleep_for(time::kNsPerMs);
  KEXPECT_EQ(detached_done, kDetached);
  Baseline::take().expect_equal(t, before);
}

namespace {

// 1 KiB per frame: a 16 KiB thread stack reaches its guard page after about 15 levels.
[[gnu::noinline]] u64 recurse_deeply(u64 depth) {
  volatile u8 frame[1024];
  frame[depth % sizeof(frame)] = u8(depth);
  if (depth == ~u64{0}) return 0;  // never: keeps the recursion from looking infinite
  return recurse_deeply(depth + 1) + frame[depth % sizeof(frame)];
}

void overflow_entry(void*) { recurse_deeply(0); }

}  // namespace

// The crash report must name the thread whose stack overflowed (tests/qemu/sched_tests.py).
KTEST_MANUAL("thread.stack_overflow_is_caught") {
  auto r = thread::create("overflower", overflow_entry, nullptr);
  if (!KEXPECT(r.ok())) return;
  thread::join(*r.value());
  KEXPECT(!"the overflowing thread was joined: its overflow went unnoticed");
}

}  // namespace kernel
