// kernel::WaitQueue: threads waiting for something that is not a lock — a key press, a log
// record, a buffer slot. Waiters wake highest priority first, then in arrival order
// (sched::WaitList). All state lives under the scheduler lock, which is what makes
// "check the condition, then sleep" atomic with respect to a waker.
//
//   // consumer (thread context)
//   queue.wait_until([] { return !ring.empty(); });
//   // producer (any context, interrupt handlers included)
//   ring.push(x);
//   queue.wake_all();
#pragma once

#include <sched/wait_list.hpp>

#include "sched/scheduler.hpp"

namespace kernel {

class WaitQueue {
 public:
  constexpr WaitQueue() = default;
  WaitQueue(const WaitQueue&) = delete;
  WaitQueue& operator=(const WaitQueue&) = delete;

  // Blocks the calling thread until `condition()` is true. The condition is evaluated with
  // the scheduler lock held and interrupts off: it must be quick and must not block.
  // Context: thread.
  template <typename Condition>
  void wait_until(Condition condition) EXCLUDES(scheduler_lock) {
    wait_until(condition, Scheduler::kNoDeadline);
  }
  // The same, giving up when the monotonic clock reaches `deadline_ns`: returns whether the
  // condition became true.
  template <typename Condition>
  bool wait_until(Condition condition, u64 deadline_ns) EXCLUDES(scheduler_lock) {
    Scheduler::check_can_block("wait queue");
    SpinLockGuard guard(scheduler_lock);
    while (!condition()) {
      if (!wait_locked(deadline_ns)) return condition();
    }
    return true;
  }

  // Wakers. Context: any (from an interrupt handler the switch, if one is needed, happens on
  // the way out of the interrupt).
  bool wake_one() EXCLUDES(scheduler_lock);
  usize wake_all() EXCLUDES(scheduler_lock);

  // Scheduler lock held. wait_locked blocks the caller until a wake (true) or the deadline
  // (false). The wakers return what they woke and never switch threads: the caller calls
  // Scheduler::preempt_if_needed() after releasing the lock.
  bool wait_locked(u64 deadline_ns = Scheduler::kNoDeadline) REQUIRES(scheduler_lock);
  bool wake_one_locked() REQUIRES(scheduler_lock);
  usize wake_all_locked() REQUIRES(scheduler_lock);

  bool has_waiters() const EXCLUDES(scheduler_lock) {
    SpinLockGuard guard(scheduler_lock);
    return !list_.empty();
  }

 private:
  sched::WaitList list_ GUARDED_BY(scheduler_lock);
};

}  // namespace kernel
