// kernel::ConditionVariable: wait for a condition protected by a Mutex.
//
//   MutexLocker locker(mutex);
//   while (queue.empty()) not_empty.wait(mutex);   // always re-check: wake-ups only hint
//   ...
//   // elsewhere, with or without the mutex held:
//   not_empty.signal();
//
// wait() releases the mutex and blocks in one step under the scheduler lock, so a signal
// between "the condition is false" and "asleep" cannot be lost; it re-takes the mutex
// before returning. Waiters wake highest priority first, then in arrival order.
//
// Context: wait() in thread context, holding `mutex`; signal()/broadcast() from any thread.
#pragma once

#include "sched/wait_queue.hpp"
#include "sync/mutex.hpp"

namespace kernel {

class ConditionVariable {
 public:
  constexpr ConditionVariable() = default;
  ConditionVariable(const ConditionVariable&) = delete;
  ConditionVariable& operator=(const ConditionVariable&) = delete;

  // Panics (through Mutex) if the caller does not hold `mutex`.
  void wait(Mutex& mutex) REQUIRES(mutex) EXCLUDES(scheduler_lock);
  void signal() EXCLUDES(scheduler_lock) { waiters_.wake_one(); }
  void broadcast() EXCLUDES(scheduler_lock) { waiters_.wake_all(); }

 private:
  WaitQueue waiters_;
};

}  // namespace kernel
