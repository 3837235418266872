#include <libk/assert.hpp>
#include <sched/wait_list.hpp>

namespace sched {

void WaitList::add(Entity& e) {
  // On a run queue or another wait list, its one list node is taken: linking it here would
  // corrupt both lists.
  VERIFY(e.queue_ == Entity::Queue::None && e.waiting_on_ == nullptr);
  e.queue_ = Entity::Queue::Waiting;
  e.waiting_on_ = this;
  // Walk past everyone who goes first: higher or equal priority (equal: they came first).
  for (Entity& other : list_) {
    if (other.priority() < e.priority()) {
      list_.insert_before(other, e);
      return;
    }
  }
  list_.push_back(e);
}

Entity* WaitList::pop() {
  Entity* e = list_.pop_front();
  if (e) {
    DEBUG_ASSERT(e->waiting_on_ == this && e->queue_ == Entity::Queue::Waiting);
    e->queue_ = Entity::Queue::None;
    e->waiting_on_ = nullptr;
  }
  return e;
}

bool WaitList::remove(Entity& e) {
  if (!contains(e)) return false;
  DEBUG_ASSERT(e.queue_ == Entity::Queue::Waiting);
  list_.remove(e);
  e.queue_ = Entity::Queue::None;
  e.waiting_on_ = nullptr;
  return true;
}

}  // namespace sched
