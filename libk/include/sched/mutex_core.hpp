// sched::MutexCore: the ownership rules of a sleeping mutex, without the sleeping. Pure
// logic; kernel::Mutex (kernel/sync/mutex.hpp) wraps it: it blocks the caller when told to
// wait, wakes the new owner on a hand-off, and panics on misuse.
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
// The owner is one atomic word (the owner's address, bit 0 set while anyone waits), so the
// common cases need no lock at all: taking a free mutex (try_acquire) and releasing one
// nobody waits for (release_if_uncontended) are single compare-and-swaps, from any CPU.
// Everything that touches the wait list (lock, unlock, cancel_wait, and try_lock) runs
// under the caller's lock, which serializes it; a free mutex is never handed out while
// anyone waits (the word is only ever 0 when the wait list is empty), so the fast path
// cannot overtake a waiter.
#pragma once

#include <libk/atomic.hpp>
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

  // Lock-free, from any CPU: takes the mutex if it is free; releases it if `self` owns it and
  // nobody waits. False otherwise (then use the locked operations below).
  bool try_acquire(Entity& self);
  bool release_if_uncontended(Entity& self);

  // Under the caller's lock.
  LockResult lock(Entity& self);
  // Like lock() but never queues: Acquired, AlreadyOwner, or MustWait meaning "owned by
  // someone else" (the caller was not queued).
  LockResult try_lock(Entity& self);
  UnlockResult unlock(Entity& self);
  // A waiter gives up (e.g. a timeout). Returns false if `waiter` was not waiting here,
  // for instance because it was handed the mutex in the meantime.
  bool cancel_wait(Entity& waiter);
  const WaitList& waiters() const { return waiters_; }

  // The owner, or nullptr (a snapshot unless under the caller's lock or read by the owner).
  Entity* owner() const;
  bool locked() const { return owner() != nullptr; }

 private:
  static constexpr uptr kWaitersBit = 1;
  static uptr word(Entity* e, bool waiters) { return uptr(e) | (waiters ? kWaitersBit : 0); }

  libk::Atomic<uptr> state_{0};
  WaitList waiters_;
};

}  // namespace sched
