#include <sched/semaphore_core.hpp>

namespace sched {

bool SemaphoreCore::try_down() {
  if (count_ == 0) return false;
  --count_;
  return true;
}

bool SemaphoreCore::down(Entity& self) {
  if (try_down()) return true;
  waiters_.add(self);
  return false;
}

Entity* SemaphoreCore::up() {
  if (Entity* waiter = waiters_.pop()) return waiter;
  if (count_ != ~u64{0}) ++count_;
  return nullptr;
}

}  // namespace sched
