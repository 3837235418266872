// sched::SemaphoreCore: a counting semaphore's bookkeeping, without the sleeping. Pure
// logic; kernel::Semaphore (kernel/sync/semaphore.hpp) blocks and wakes around it.
//
// down() takes a unit or queues the caller; up() hands its unit directly to the first
// waiter (WaitList order) when there is one, so a woken waiter never has to retry and
// cannot be overtaken by a later down().
//
// Context: not thread-safe; the caller serializes every call with its own lock.
#pragma once

#include <sched/wait_list.hpp>

namespace sched {

class SemaphoreCore {
 public:
  constexpr explicit SemaphoreCore(u64 initial = 0) : count_(initial) {}

  // True: the caller took a unit. False: the caller was queued; block until woken, which
  // means a unit was handed over.
  bool down(Entity& self);
  // Takes a unit if one is free; never queues.
  bool try_down();
  // Releases a unit: returns the waiter it was handed to (taken off the wait list: wake
  // it), or nullptr when nobody waited and the count went up. Returns nullptr without
  // counting if the count would overflow (the caller reports that).
  Entity* up();
  bool up_would_overflow() const { return waiters_.empty() && count_ == ~u64{0}; }

  bool cancel_wait(Entity& waiter) { return waiters_.remove(waiter); }

  u64 count() const { return count_; }
  const WaitList& waiters() const { return waiters_; }

 private:
  u64 count_;
  WaitList waiters_;
};

}  // namespace sched
