// sched::MutexCore: the ownership rules of a sleeping mutex, without the sleeping. Pure
// logic; kernel::Mutex (kernel/sync/mutex.hpp) wraps it with a spinlock, blocks the caller
// when told to wait, wakes the new owner on a hand-off, and panics on misuse.
//
// Rules:
//  - One owner at a time. Locking a mutex you already own is a self-deadlock
//    (AlreadyOwner); unlocking one you do not own is a bug (NotOwner). Neither changes
//    anything, so the caller can report it with the state intact.
//  - Hand-off: unlock with waiters passes ownership straight to the first waiter (highest
//    priority, then longest waiting: WaitList order). Nobody can barge in between, so a
//    waiter is never overtaken by a thread that arrives later, and when the woken waiter
//    runs it already owns the mutex.
//
// Context: not thread-safe; the caller serializes every call with its own lock.
#pragma once

#include <sched/wait_list.hpp>

namespace sched {

class MutexCore {
 public:
  enum class LockResult : u8 {
    Acquired,      // the caller owns the mutex now
    MustWait,      // the caller was queued as a waiter: block until handed the mutex
    AlreadyOwner,  // the caller owns it already: locking again would deadlock
  };
  enum class UnlockResult : u8 {
    Released,   // nobody was waiting: the mutex is free
    HandedOff,  // owner() is the new owner, taken off the wait list: wake it
    NotOwner,   // the caller does not own the mutex (or nobody does): nothing changed
  };

  constexpr MutexCore() = default;

  LockResult lock(Entity& self);
  // Like lock() but never queues: Acquired, AlreadyOwner, or MustWait meaning "owned by
  // someone else" (the caller was not queued).
  LockResult try_lock(Entity& self);
  UnlockResult unlock(Entity& self);

  // A waiter gives up (e.g. a timeout). Returns false if `waiter` was not waiting here,
  // for instance because it was handed the mutex in the meantime.
  bool cancel_wait(Entity& waiter) { return waiters_.remove(waiter); }

  Entity* owner() const { return owner_; }
  bool locked() const { return owner_ != nullptr; }
  const WaitList& waiters() const { return waiters_; }

 private:
  Entity* owner_ = nullptr;
  WaitList waiters_;
};

}  // namespace sched
