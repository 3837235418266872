// A single-producer, single-consumer ring buffer of N elements (N a power of two): an
// interrupt handler produces, thread code consumes, with no lock. Each index is written by
// one side only; release/acquire ordering publishes the element before the index that makes
// it visible. A full ring drops new elements and counts them.
#pragma once

#include <libk/optional.hpp>
#include <libk/types.hpp>
#include <libk/utility.hpp>

namespace libk {

template <typename T, u32 N>
class SpscRing {
  static_assert(N >= 2 && (N & (N - 1)) == 0, "capacity must be a power of two");

 public:
  constexpr SpscRing() = default;

  // Producer side. False if the ring was full (the element is dropped).
  [[nodiscard]] bool push(const T& value) {
    u32 head = __atomic_load_n(&head_, __ATOMIC_RELAXED);
    u32 tail = __atomic_load_n(&tail_, __ATOMIC_ACQUIRE);
    if (head - tail == N) {
      __atomic_fetch_add(&dropped_, 1, __ATOMIC_RELAXED);
      return false;
    }
    items_[head % N] = value;
    __atomic_store_n(&head_, head + 1, __ATOMIC_RELEASE);
    return true;
  }

  // Consumer side.
  Optional<T> pop() {
    u32 tail = __atomic_load_n(&tail_, __ATOMIC_RELAXED);
    u32 head = __atomic_load_n(&head_, __ATOMIC_ACQUIRE);
    if (head == tail) return nullopt;
    T value = items_[tail % N];
    __atomic_store_n(&tail_, tail + 1, __ATOMIC_RELEASE);
    return value;
  }

  bool empty() const {
    return __atomic_load_n(&head_, __ATOMIC_ACQUIRE) == __atomic_load_n(&tail_, __ATOMIC_ACQUIRE);
  }
  u32 size() const {
    return __atomic_load_n(&head_, __ATOMIC_ACQUIRE) - __atomic_load_n(&tail_, __ATOMIC_ACQUIRE);
  }
  u32 dropped() const { return __atomic_load_n(&dropped_, __ATOMIC_RELAXED); }
  static constexpr u32 capacity() { return N; }

 private:
  T items_[N] = {};
  u32 head_ = 0;  // next slot to write; only the producer stores it
  u32 tail_ = 0;  // next slot to read; only the consumer stores it
  u32 dropped_ = 0;
};

}  // namespace libk
