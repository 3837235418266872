#include "sync/condition_variable.hpp"

namespace kernel {

void ConditionVariable::wait(Mutex& mutex) {
  Scheduler::check_can_block("condition variable wait");
  {
    SpinLockGuard guard(scheduler_lock);
    mutex.unlock_locked();  // may hand the mutex to a waiter; we block right after anyway
    waiters_.wait_locked();
  }
  mutex.lock();
}

}  // namespace kernel
