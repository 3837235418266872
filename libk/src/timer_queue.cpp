#include <libk/assert.hpp>
#include <libk/timer_queue.hpp>

namespace libk {

bool TimerQueue::insert(Timer& timer) {
  VERIFY(!timer.armed());  // on a queue already: linking it again would corrupt both
  Timer** link = &head_;
  while (*link != nullptr && (*link)->deadline <= timer.deadline) link = &(*link)->next_;
  timer.next_ = *link;
  *link = &timer;
  timer.queue_.store(this, MemoryOrder::Release);
  return head_ == &timer;
}

bool TimerQueue::remove(Timer& timer) {
  if (timer.queue() != this) return false;
  for (Timer** link = &head_; *link != nullptr; link = &(*link)->next_) {
    if (*link != &timer) continue;
    *link = timer.next_;
    timer.next_ = nullptr;
    timer.queue_.store(nullptr, MemoryOrder::Release);
    return true;
  }
  return false;
}

Timer* TimerQueue::pop_expired(u64 now) {
  Timer* first = head_;
  if (first == nullptr || first->deadline > now) return nullptr;
  head_ = first->next_;
  first->next_ = nullptr;
  first->queue_.store(nullptr, MemoryOrder::Release);
  return first;
}

Optional<u64> TimerQueue::next_deadline() const {
  if (head_ == nullptr) return nullopt;
  return head_->deadline;
}

usize TimerQueue::size() const {
  usize n = 0;
  for (const Timer* t = head_; t != nullptr; t = t->next_) ++n;
  return n;
}

}  // namespace libk
