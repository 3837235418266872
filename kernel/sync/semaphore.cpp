#include "sync/semaphore.hpp"

#include "panic.hpp"
#include "sched/scheduler.hpp"

namespace kernel {

void Semaphore::down() {
  Scheduler::check_can_block("semaphore down");
  SpinLockGuard guard(scheduler_lock);
  if (core_.down(Scheduler::current())) return;
  Scheduler::block_locked();  // woken by up(), which handed us its unit
}

bool Semaphore::try_down() {
  SpinLockGuard guard(scheduler_lock);
  return core_.try_down();
}

void Semaphore::up() {
  {
    SpinLockGuard guard(scheduler_lock);
    if (core_.up_would_overflow()) PANIC("semaphore \"{}\": count overflow", name_);
    if (sched::Entity* waiter = core_.up()) Scheduler::wake_locked(static_cast<Thread&>(*waiter));
  }
  Scheduler::preempt_if_needed();
}

}  // namespace kernel
