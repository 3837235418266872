// The handful of <utility>/<type_traits> pieces libk needs. Kernel code must not use std::,
// so libk carries its own; they are tiny and behave like their standard namesakes.
#pragma once

#include <libk/types.hpp>

namespace libk {

template <typename T>
struct RemoveReference {
  using Type = T;
};
template <typename T>
struct RemoveReference<T&> {
  using Type = T;
};
template <typename T>
struct RemoveReference<T&&> {
  using Type = T;
};
template <typename T>
using RemoveReferenceT = typename RemoveReference<T>::Type;

template <typename T>
struct RemoveCv {
  using Type = T;
};
template <typename T>
struct RemoveCv<const T> {
  using Type = T;
};
template <typename T>
struct RemoveCv<volatile T> {
  using Type = T;
};
template <typename T>
struct RemoveCv<const volatile T> {
  using Type = T;
};
template <typename T>
using RemoveCvRefT = typename RemoveCv<RemoveReferenceT<T>>::Type;

template <typename T>
struct TypeIdentity {
  using Type = T;
};
template <typename T>
using TypeIdentityT = typename TypeIdentity<T>::Type;

template <typename A, typename B>
inline constexpr bool kIsSame = false;
template <typename A>
inline constexpr bool kIsSame<A, A> = true;

template <typename T>
inline constexpr bool kIsVoid = kIsSame<RemoveCvRefT<T>, void>;

template <typename T>
constexpr RemoveReferenceT<T>&& move(T&& value) noexcept {
  return static_cast<RemoveReferenceT<T>&&>(value);
}

template <typename T>
constexpr T&& forward(RemoveReferenceT<T>& value) noexcept {
  return static_cast<T&&>(value);
}

template <typename T>
constexpr T&& forward(RemoveReferenceT<T>&& value) noexcept {
  return static_cast<T&&>(value);
}

template <typename T>
constexpr void swap(T& a, T& b) noexcept {
  T tmp = move(a);
  a = move(b);
  b = move(tmp);
}

template <typename T>
constexpr const T& min(const T& a, const T& b) {
  return b < a ? b : a;
}
template <typename T>
constexpr const T& max(const T& a, const T& b) {
  return a < b ? b : a;
}

constexpr bool is_power_of_two(u64 v) { return v != 0 && (v & (v - 1)) == 0; }

// Alignment helpers; `align` must be a power of two.
constexpr u64 align_down(u64 v, u64 align) { return v & ~(align - 1); }
constexpr u64 align_up(u64 v, u64 align) { return (v + align - 1) & ~(align - 1); }
constexpr bool is_aligned(u64 v, u64 align) { return (v & (align - 1)) == 0; }

// Overflow-checked arithmetic for code that handles untrusted sizes and offsets.
// Returns false (and leaves `out` unspecified) when the exact result does not fit.
template <typename T>
[[nodiscard]] constexpr bool checked_add(T a, T b, T& out) {
  return !__builtin_add_overflow(a, b, &out);
}
template <typename T>
[[nodiscard]] constexpr bool checked_mul(T a, T b, T& out) {
  return !__builtin_mul_overflow(a, b, &out);
}

// align_up that reports overflow instead of wrapping to zero.
[[nodiscard]] constexpr bool checked_align_up(u64 v, u64 align, u64& out) {
  u64 sum = 0;
  if (!checked_add<u64>(v, align - 1, sum)) return false;
  out = sum & ~(align - 1);
  return true;
}

template <typename T, usize N>
constexpr usize array_size(const T (&)[N]) {
  return N;
}

// Half-open ranges [a_begin, a_end) and [b_begin, b_end) overlap.
constexpr bool ranges_overlap(u64 a_begin, u64 a_end, u64 b_begin, u64 b_end) {
  return a_begin < b_end && b_begin < a_end;
}

}  // namespace libk
