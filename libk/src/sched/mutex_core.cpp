#include <libk/assert.hpp>
#include <sched/mutex_core.hpp>

namespace sched {

using libk::MemoryOrder;

Entity* MutexCore::owner() const {
  return reinterpret_cast<Entity*>(state_.load(MemoryOrder::Acquire) & ~kWaitersBit);
}

bool MutexCore::try_acquire(Entity& self) {
  uptr expected = 0;
  return state_.compare_exchange(expected, word(&self, false), MemoryOrder::Acquire);
}

bool MutexCore::release_if_uncontended(Entity& self) {
  uptr expected = word(&self, false);
  return state_.compare_exchange(expected, 0, MemoryOrder::Release);
}

MutexCore::LockResult MutexCore::try_lock(Entity& self) {
  if (owner() == &self) return LockResult::AlreadyOwner;
  return try_acquire(self) ? LockResult::Acquired : LockResult::MustWait;
}

// Sets the waiters bit (unless the mutex came free: then takes it), then queues. The owner
// may release on the fast path at any moment until the bit is set; once it is, its release
// fails and it comes to unlock(), which needs the caller's lock and so finds us queued.
MutexCore::LockResult MutexCore::lock(Entity& self) {
  uptr seen = state_.load(MemoryOrder::Relaxed);
  for (;;) {
    if (seen == 0) {
      if (state_.compare_exchange(seen, word(&self, false), MemoryOrder::Acquire))
        return LockResult::Acquired;
      continue;
    }
    if ((seen & ~kWaitersBit) == uptr(&self)) return LockResult::AlreadyOwner;
    if (state_.compare_exchange(seen, seen | kWaitersBit, MemoryOrder::Relaxed)) break;
  }
  waiters_.add(self);
  return LockResult::MustWait;
}

MutexCore::UnlockResult MutexCore::unlock(Entity& self) {
  if (owner() != &self) return UnlockResult::NotOwner;
  Entity* next = waiters_.pop();
  if (next == nullptr) {
    state_.store(0, MemoryOrder::Release);
    return UnlockResult::Released;
  }
  state_.store(word(next, !waiters_.empty()), MemoryOrder::Release);
  return UnlockResult::HandedOff;
}

bool MutexCore::cancel_wait(Entity& waiter) {
  if (!waiters_.remove(waiter)) return false;
  if (waiters_.empty()) state_.fetch_and(~kWaitersBit, MemoryOrder::Relaxed);
  return true;
}

}  // namespace sched
