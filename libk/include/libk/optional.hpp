// Optional<T>: a value or nothing, for trivially-destructible and movable T. Reading the
// value of an empty Optional fails a VERIFY.
#pragma once

#include <libk/assert.hpp>
#include <libk/new.hpp>
#include <libk/utility.hpp>

namespace libk {

struct NullOpt {};
inline constexpr NullOpt nullopt{};

template <typename T>
class Optional {
 public:
  constexpr Optional() {}
  constexpr Optional(NullOpt) {}
  constexpr Optional(const T& v) : has_(true), value_(v) {}
  constexpr Optional(T&& v) : has_(true), value_(libk::move(v)) {}

  constexpr bool has_value() const { return has_; }
  constexpr explicit operator bool() const { return has_; }
  constexpr T& value() {
    VERIFY(has_);
    return value_;
  }
  constexpr const T& value() const {
    VERIFY(has_);
    return value_;
  }
  constexpr T& operator*() { return value(); }
  constexpr const T& operator*() const { return value(); }
  constexpr T* operator->() { return &value(); }
  constexpr const T* operator->() const { return &value(); }
  constexpr T value_or(T fallback) const { return has_ ? value_ : fallback; }

 private:
  bool has_ = false;
  union {
    char none_ = 0;
    T value_;
  };
};

}  // namespace libk
