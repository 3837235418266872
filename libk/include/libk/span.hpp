// A non-owning view of contiguous objects, with bounds-checked slicing that never
// reads outside the view (used by every parser of untrusted bytes).
#pragma once

#include <libk/assert.hpp>
#include <libk/types.hpp>

namespace libk {

template <typename T>
class Span {
 public:
  constexpr Span() = default;
  constexpr Span(T* data, usize size) : data_(data), size_(size) {}
  template <usize N>
  constexpr Span(T (&array)[N]) : data_(array), size_(N) {}
  // A Span<const T> from a Span<T>.
  template <typename U>
  constexpr Span(const Span<U>& other) : data_(other.data()), size_(other.size()) {}

  constexpr T* data() const { return data_; }
  constexpr usize size() const { return size_; }
  constexpr bool empty() const { return size_ == 0; }
  constexpr T& operator[](usize i) const {
    DEBUG_ASSERT(i < size_);
    return data_[i];
  }
  constexpr T* begin() const { return data_; }
  constexpr T* end() const { return data_ + size_; }

  // The sub-view [offset, offset + count), clamped to the view.
  constexpr Span subspan(usize offset, usize count = ~usize{0}) const {
    if (offset > size_) return {};
    usize rest = size_ - offset;
    return Span(data_ + offset, count < rest ? count : rest);
  }

  // True if [offset, offset + count) lies inside the view, without overflow.
  constexpr bool contains_range(u64 offset, u64 count) const {
    return offset <= size_ && count <= size_ - offset;
  }

 private:
  T* data_ = nullptr;
  usize size_ = 0;
};

using Bytes = Span<const u8>;
using MutableBytes = Span<u8>;

// Reads a little-endian value of type T at `offset`; the caller has checked the bounds.
template <typename T>
inline T load_le(const u8* p) {
  T value{};
  __builtin_memcpy(&value, p, sizeof(T));
  return value;
}

}  // namespace libk
