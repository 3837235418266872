// A vector with inline storage for at most N elements: no allocation, explicit failure when
// full. For trivially copyable element types (tables parsed from firmware, fixed registries).
#pragma once

#include <libk/assert.hpp>
#include <libk/span.hpp>
#include <libk/types.hpp>

namespace libk {

template <typename T, usize N>
class FixedVector {
 public:
  constexpr FixedVector() = default;

  // Appends `value`; false (and no change) when full.
  [[nodiscard]] constexpr bool push_back(const T& value) {
    if (size_ == N) return false;
    items_[size_++] = value;
    return true;
  }
  constexpr void clear() { size_ = 0; }

  constexpr usize size() const { return size_; }
  static constexpr usize capacity() { return N; }
  constexpr bool empty() const { return size_ == 0; }
  constexpr bool full() const { return size_ == N; }
  constexpr T& operator[](usize i) {
    DEBUG_ASSERT(i < size_);
    return items_[i];
  }
  constexpr const T& operator[](usize i) const {
    DEBUG_ASSERT(i < size_);
    return items_[i];
  }
  constexpr T* begin() { return items_; }
  constexpr T* end() { return items_ + size_; }
  constexpr const T* begin() const { return items_; }
  constexpr const T* end() const { return items_ + size_; }
  constexpr Span<const T> span() const { return {items_, size_}; }

 private:
  T items_[N] = {};
  usize size_ = 0;
};

}  // namespace libk
