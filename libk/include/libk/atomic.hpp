// libk::Atomic<T>: a value that is read and written whole by every CPU and interrupt
// handler, with the memory ordering stated at each use (the C++ memory model's orders, on
// the compiler's __atomic builtins; freestanding code has no <atomic>). T is an integer,
// bool, enum or pointer.
//
//   constinit libk::Atomic<bool> busy{false};
//   if (busy.exchange(true, libk::MemoryOrder::Acquire)) return;  // someone else has it
//   ...
//   busy.store(false, libk::MemoryOrder::Release);
//
// Acquire on taking, release on giving back: what the holder wrote is visible to the next
// holder, and the compiler moves no access to the protected data out of the region. On one
// CPU the same pair is what keeps a region whole against an interrupt handler that checks it.
#pragma once

#include <libk/types.hpp>

namespace libk {

enum class MemoryOrder : int {
  Relaxed = __ATOMIC_RELAXED,
  Acquire = __ATOMIC_ACQUIRE,
  Release = __ATOMIC_RELEASE,
  AcqRel = __ATOMIC_ACQ_REL,
  SeqCst = __ATOMIC_SEQ_CST,
};

namespace detail {
// The builtins take integers and pointers; an enum is stored as its underlying type.
template <typename T, bool = __is_enum(T)>
struct AtomicStorage {
  using Type = T;
};
template <typename T>
struct AtomicStorage<T, true> {
  using Type = __underlying_type(T);
};
}  // namespace detail

template <typename T>
class Atomic {
  using Storage = typename detail::AtomicStorage<T>::Type;

 public:
  constexpr Atomic() = default;
  constexpr explicit Atomic(T value) : value_(Storage(value)) {}
  Atomic(const Atomic&) = delete;
  Atomic& operator=(const Atomic&) = delete;

  T load(MemoryOrder order = MemoryOrder::SeqCst) const {
    return T(__atomic_load_n(&value_, int(order)));
  }
  void store(T value, MemoryOrder order = MemoryOrder::SeqCst) {
    __atomic_store_n(&value_, Storage(value), int(order));
  }
  // Stores `value`, returns what was there before.
  T exchange(T value, MemoryOrder order = MemoryOrder::SeqCst) {
    return T(__atomic_exchange_n(&value_, Storage(value), int(order)));
  }
  // Stores `desired` if the value is `expected`; otherwise loads the value into `expected`.
  bool compare_exchange(T& expected, T desired, MemoryOrder order = MemoryOrder::SeqCst) {
    Storage e = Storage(expected);
    bool ok = __atomic_compare_exchange_n(&value_, &e, Storage(desired), false, int(order),
                                          int(failure_order(order)));
    expected = T(e);
    return ok;
  }
  T fetch_add(T delta, MemoryOrder order = MemoryOrder::SeqCst) {
    return __atomic_fetch_add(&value_, delta, int(order));
  }
  T fetch_sub(T delta, MemoryOrder order = MemoryOrder::SeqCst) {
    return __atomic_fetch_sub(&value_, delta, int(order));
  }
  T fetch_and(T bits, MemoryOrder order = MemoryOrder::SeqCst) {
    return __atomic_fetch_and(&value_, bits, int(order));
  }
  T fetch_or(T bits, MemoryOrder order = MemoryOrder::SeqCst) {
    return __atomic_fetch_or(&value_, bits, int(order));
  }

 private:
  // A failed compare-exchange only loads: it may not have release semantics.
  static constexpr MemoryOrder failure_order(MemoryOrder order) {
    if (order == MemoryOrder::Release) return MemoryOrder::Relaxed;
    if (order == MemoryOrder::AcqRel) return MemoryOrder::Acquire;
    return order;
  }

  Storage value_{};
};

}  // namespace libk
