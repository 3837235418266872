// One-shot deadline timers, kept sorted by deadline in an intrusive list: the caller owns each
// Timer (no allocation), the queue links them. Pure logic: the kernel arms the hardware for
// next_deadline() and calls pop_expired() from the timer interrupt.
//
// Not synchronized: the kernel guards each queue with its lock (one queue per CPU). A timer
// knows the queue it is on, so it can be cancelled from any CPU.
#pragma once

#include <libk/atomic.hpp>
#include <libk/optional.hpp>
#include <libk/types.hpp>

namespace libk {

class TimerQueue;

struct Timer {
  using Callback = void (*)(Timer& timer, void* context);

  constexpr Timer() = default;
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;

  u64 deadline = 0;  // in the queue's time unit (the kernel uses monotonic nanoseconds)
  Callback callback = nullptr;
  void* context = nullptr;

  bool armed() const { return queue() != nullptr; }
  // The queue the timer is on, or nullptr. Written by the queue under its owner's lock; a
  // reader without that lock gets a snapshot.
  const TimerQueue* queue() const { return queue_.load(MemoryOrder::Acquire); }

 private:
  friend class TimerQueue;
  Timer* next_ = nullptr;
  Atomic<TimerQueue*> queue_{nullptr};
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
