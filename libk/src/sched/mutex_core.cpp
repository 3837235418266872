#include <sched/mutex_core.hpp>

namespace sched {

MutexCore::LockResult MutexCore::try_lock(Entity& self) {
  if (owner_ == &self) return LockResult::AlreadyOwner;
  if (owner_ != nullptr) return LockResult::MustWait;
  owner_ = &self;
  return LockResult::Acquired;
}

MutexCore::LockResult MutexCore::lock(Entity& self) {
  LockResult r = try_lock(self);
  if (r == LockResult::MustWait) waiters_.add(self);
  return r;
}

MutexCore::UnlockResult MutexCore::unlock(Entity& self) {
  if (owner_ != &self) return UnlockResult::NotOwner;
  owner_ = waiters_.pop();
  return owner_ ? UnlockResult::HandedOff : UnlockResult::Released;
}

}  // namespace sched
