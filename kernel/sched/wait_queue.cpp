#include "sched/wait_queue.hpp"

namespace kernel {

bool WaitQueue::wait_locked(u64 deadline_ns) {
  scheduler_lock.assert_held();
  list_.add(Scheduler::current());
  return Scheduler::block_locked(deadline_ns);
}

bool WaitQueue::wake_one_locked() {
  scheduler_lock.assert_held();
  sched::Entity* e = list_.pop();
  if (e == nullptr) return false;
  Scheduler::wake_locked(static_cast<Thread&>(*e));
  return true;
}

usize WaitQueue::wake_all_locked() {
  usize woken = 0;
  while (wake_one_locked()) ++woken;
  return woken;
}

bool WaitQueue::wake_one() {
  bool woken;
  {
    SpinLockGuard guard(scheduler_lock);
    woken = wake_one_locked();
  }
  Scheduler::preempt_if_needed();
  return woken;
}

usize WaitQueue::wake_all() {
  usize woken;
  {
    SpinLockGuard guard(scheduler_lock);
    woken = wake_all_locked();
  }
  Scheduler::preempt_if_needed();
  return woken;
}

}  // namespace kernel
