// One-shot deadline timers, kept sorted by deadline in an intrusive list: the caller owns each
// Timer (no allocation), the queue links them. Pure logic: the kernel arms the hardware for
// next_deadline() and calls pop_expired() from the timer interrupt.
//
// Not synchronized: the kernel guards the queue with interrupts disabled.
#pragma once

#include <libk/optional.hpp>
#include <libk/types.hpp>

namespace libk {

struct Timer {
  using Callback = void (*)(Timer& timer, void* context);

  u64 deadline = 0;  // in the queue's time unit (the kernel uses monotonic nanoseconds)
  Callback callback = nullptr;
  void* context = nullptr;

  bool armed() const { return armed_; }

 private:
  friend class TimerQueue;
  Timer* next_ = nullptr;
  bool armed_ = false;
};

class TimerQueue {
 public:
  // Inserts `timer` (not already armed) after any timer with the same deadline, so timers
  // with equal deadlines fire in the order they were added. Returns true if it is now the
  // earliest (the hardware must be re-armed).
  bool insert(Timer& timer);

  // Removes `timer` if armed; returns whether it was.
  bool remove(Timer& timer);

  // Unlinks and returns the earliest timer if its deadline is <= now.
  Timer* pop_expired(u64 now);

  Optional<u64> next_deadline() const;
  bool empty() const { return head_ == nullptr; }
  usize size() const;

 private:
  Timer* head_ = nullptr;
};

}  // namespace libk
