// The ticket spinlock (libk/include/sched/spinlock.hpp) with real threads standing in for
// CPUs: exact counts under contention and first-come-first-served order. Also built and run
// under ThreadSanitizer (`spinlock-threads-tsan`), which checks that the lock's memory
// orders really publish what one holder wrote to the next.
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <mutex>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <thread>
#include <vector>

#include <sched/mutex_core.hpp>
#include <sched/spinlock.hpp>

namespace {

struct ThreadCpu {
  using IrqState = bool;
  static inline thread_local u32 id = 0;
  static inline thread_local sched::LockOrder order;
  static IrqState irq_save_disable() { return false; }
  static void irq_restore(IrqState) {}
  static void relax() { sched_yield(); }  // more threads than cores: let the holder run
  static u32 cpu_id() { return id; }
  static u64 now_ns() {
    return u64(std::chrono::duration_cast<std::chrono::nanoseconds>(
                   std::chrono::steady_clock::now().time_since_epoch())
                   .count());
  }
  static sched::LockOrder* lock_order() { return &order; }
  [[noreturn]] static void lock_error(const sched::LockReport& r) {
    fprintf(stderr, "lock error %d on %s in %s\n", int(r.error), r.lock, r.function);
    abort();
  }
};

using Lock = sched::BasicSpinLock<ThreadCpu>;
using Guard = sched::BasicSpinLockGuard<ThreadCpu>;

// Runs `body(cpu)` on `n` threads with CPU ids 1..n, and joins them.
template <typename Body>
void on_cpus(u32 n, Body body) {
  std::vector<std::thread> threads;
  for (u32 cpu = 1; cpu <= n; ++cpu)
    threads.emplace_back([cpu, &body] {
      ThreadCpu::id = cpu;
      body(cpu);
    });
  for (auto& t : threads) t.join();
}

}  // namespace

// The analysis cannot follow a lock into lambdas run on other threads; the lock itself is
// what these tests check.
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wthread-safety-analysis"

TEST_CASE("Increments under a ticket lock from four threads add up exactly",
          "[sched][spinlock][threads]") {
  Lock lock("counter", 10);
  u64 counter = 0;  // plain memory: only the lock orders the accesses
  constexpr u64 kPerThread = 100'000;
  on_cpus(4, [&](u32) {
    for (u64 i = 0; i < kPerThread; ++i) {
      Guard guard(lock);
      ++counter;
    }
  });
  CHECK(counter == 4 * kPerThread);
  CHECK_FALSE(lock.is_locked());
}

TEST_CASE("Waiters get a ticket lock in the order they asked for it",
          "[sched][spinlock][threads]") {
  Lock lock("fifo", 10);
  ThreadCpu::id = 100;
  lock.lock();  // held by the test thread while the others queue up
  std::vector<u32> order;
  std::atomic<u32> done{0};
  std::vector<std::thread> threads;
  for (u32 cpu = 1; cpu <= 4; ++cpu) {
    threads.emplace_back([&, cpu] {
      ThreadCpu::id = cpu;
      lock.lock();
      order.push_back(cpu);
      lock.unlock();
      done.fetch_add(1);
    });
    // The next thread starts only once this one is queued: the ticket order is 1, 2, 3, 4.
    while (lock.waiters() < cpu) std::this_thread::yield();
  }
  lock.unlock();
  for (auto& t : threads) t.join();
  CHECK(done.load() == 4);
  CHECK(order == std::vector<u32>{1, 2, 3, 4});
}

TEST_CASE("Every thread holds the lock only for itself: the owner is always right",
          "[sched][spinlock][threads]") {
  Lock lock("owner", 10);
  std::atomic<u64> wrong{0};
  on_cpus(3, [&](u32 cpu) {
    for (int i = 0; i < 20'000; ++i) {
      Guard guard(lock);
      if (lock.owner() != cpu || !lock.held_by_this_cpu()) wrong.fetch_add(1);
    }
  });
  CHECK(wrong.load() == 0);
}

#pragma clang diagnostic pop

// The mutex core's lock-free paths with real threads: a std::mutex stands in for the
// kernel's scheduler lock around the wait list, and a "blocked" waiter spins until it is
// handed the mutex (the kernel would sleep). Exact counts, and under ThreadSanitizer the
// hand-off must publish the previous owner's writes.
namespace {

void lock(sched::MutexCore& m, std::mutex& list_lock, sched::Entity& self) {
  if (m.try_acquire(self)) return;
  {
    std::lock_guard<std::mutex> guard(list_lock);
    if (m.lock(self) == sched::MutexCore::LockResult::Acquired) return;
  }
  while (m.owner() != &self) std::this_thread::yield();
}

void unlock(sched::MutexCore& m, std::mutex& list_lock, sched::Entity& self) {
  if (m.release_if_uncontended(self)) return;
  std::lock_guard<std::mutex> guard(list_lock);
  REQUIRE(m.unlock(self) != sched::MutexCore::UnlockResult::NotOwner);
}

}  // namespace

TEST_CASE("A mutex core under four threads: fast paths and hand-offs keep every increment",
          "[sched][mutex][threads]") {
  sched::MutexCore m;
  std::mutex list_lock;
  u64 counter = 0;
  constexpr u64 kPerThread = 50'000;
  on_cpus(4, [&](u32) {
    sched::Entity self;
    for (u64 i = 0; i < kPerThread; ++i) {
      lock(m, list_lock, self);
      ++counter;
      unlock(m, list_lock, self);
    }
  });
  CHECK(counter == 4 * kPerThread);
  CHECK_FALSE(m.locked());
}
