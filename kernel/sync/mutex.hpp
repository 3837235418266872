// kernel::Mutex: a sleeping lock with an owner. A thread that finds it taken blocks (the CPU
// runs something else) and is handed the mutex directly when the owner unlocks: waiters get
// it highest priority first, then in arrival order, and nobody barges in between
// (libk/include/sched/mutex_core.hpp). Misuse that would deadlock or corrupt — locking a
// mutex you hold, unlocking one you do not hold — panics, naming the mutex and the threads.
//
//   constinit Mutex table_mutex{"table"};
//   {
//     MutexLocker locker(table_mutex);
//     ...
//   }
//
// Context: thread only (it may block); never with a spinlock held or interrupts disabled.
#pragma once

#include <libk/thread_safety.hpp>
#include <sched/mutex_core.hpp>

#include "sched/thread.hpp"

namespace kernel {

class CAPABILITY("mutex") Mutex {
 public:
  constexpr explicit Mutex(const char* name) : name_(name) {}
  // Uncontended lock and unlock are one compare-and-swap each, without the scheduler lock.
  // A contended lock first spins briefly while the owner runs on another CPU, then queues
  // and sleeps until unlock hands it the mutex.
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void lock() ACQUIRE() EXCLUDES(scheduler_lock);
  // Takes the mutex if it is free; never blocks. Panics if the caller already owns it.
  bool try_lock() TRY_ACQUIRE(true) EXCLUDES(scheduler_lock);
  void unlock() RELEASE() EXCLUDES(scheduler_lock);

  // The owner, or nullptr. A snapshot: only the owner itself can rely on the answer.
  Thread* owner() const;
  bool held_by_current() const;
  // Returns only if the calling thread owns the mutex (panics otherwise, naming the owner).
  void assert_held() const ASSERT_CAPABILITY(this);
  const char* name() const { return name_; }
  // How many lock() calls had to wait, spinning or sleeping (statistics; tests use it to see
  // contention). A snapshot.
  u64 contended_locks() const { return contended_.load(libk::MemoryOrder::Relaxed); }

  // Scheduler lock held: releases the mutex for ConditionVariable::wait.
  void unlock_locked() RELEASE() REQUIRES(scheduler_lock);

 private:
  [[noreturn]] void report_relock() const;
  bool worth_spinning_locked(const Thread* owner) const REQUIRES(scheduler_lock);
  void wait_locked(Thread& self) REQUIRES(scheduler_lock);
  bool spin_until_free(Thread& self) EXCLUDES(scheduler_lock);
  [[noreturn]] void report_not_owner(const char* what) const;
  const char* name_;
  // Its lock-free parts (try_acquire, release_if_uncontended, owner) need no lock; the wait
  // list (lock, unlock, cancel_wait) is under the scheduler lock (sched/mutex_core.hpp).
  sched::MutexCore core_;
  libk::Atomic<u64> contended_{0};
};

// Holds a mutex for a scope.
class [[nodiscard]] SCOPED_CAPABILITY MutexLocker {
 public:
  explicit MutexLocker(Mutex& mutex) ACQUIRE(mutex) : mutex_(mutex) { mutex_.lock(); }
  ~MutexLocker() RELEASE() { mutex_.unlock(); }
  MutexLocker(const MutexLocker&) = delete;
  MutexLocker& operator=(const MutexLocker&) = delete;

 private:
  Mutex& mutex_;
};

}  // namespace kernel
