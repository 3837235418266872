// sched::WaitList: the entities blocked on one thing (a mutex, a semaphore, a condition
// variable, a thread's exit), in the order they are to be woken: highest priority first,
// and first come, first served among equal priorities. Pure logic; the kernel's WaitQueue
// (kernel/sched/wait_queue.hpp) adds the locking and the actual blocking and waking.
//
// Adding is O(number of waiters with the same or higher priority); waking and removing are
// O(1). Wait lists are short in practice (the waiters of one lock).
//
// Context: not thread-safe; the owner's lock serializes every call.
#pragma once

#include <libk/intrusive_list.hpp>
#include <sched/entity.hpp>

namespace sched {

class WaitList {
 public:
  constexpr WaitList() = default;
  WaitList(const WaitList&) = delete;
  WaitList& operator=(const WaitList&) = delete;

  // Queues `e`, which must be on no queue, behind every waiter of the same or higher
  // priority.
  void add(Entity& e);

  // Removes and returns the waiter to wake next, or nullptr.
  Entity* pop();
  const Entity* front() const { return list_.front(); }

  // Takes `e` off this list if it is waiting here (a timeout or a cancelled wait); returns
  // whether it was.
  bool remove(Entity& e);

  bool contains(const Entity& e) const { return e.waiting_on_ == this; }
  // Takes `e` off whichever wait list it is on; false if it is on none.
  static bool cancel_wait(Entity& e) { return e.waiting_on_ && e.waiting_on_->remove(e); }
  bool empty() const { return list_.empty(); }
  usize size() const { return list_.size(); }

 private:
  libk::IntrusiveList<Entity> list_;
};

}  // namespace sched
