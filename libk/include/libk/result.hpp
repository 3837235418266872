// Errors as values. Result<T, E> holds either a T or an E; TRY(expr) unwraps a Result or
// returns its error from the enclosing function. No exceptions anywhere in Ember.
// Reading the value of an error, or the error of a value, fails a VERIFY.
#pragma once

#include <libk/assert.hpp>
#include <libk/new.hpp>
#include <libk/utility.hpp>

namespace libk {

template <typename E>
struct Unexpected {
  E error;
};

template <typename E>
constexpr Unexpected<RemoveCvRefT<E>> unexpected(E&& e) {
  return {libk::forward<E>(e)};
}

template <typename T, typename E>
class [[nodiscard]] Result {
 public:
  using ValueType = T;
  using ErrorType = E;

  constexpr Result(const T& v) : ok_(true) { new (&value_) T(v); }
  constexpr Result(T&& v) : ok_(true) { new (&value_) T(libk::move(v)); }
  template <typename F>
  constexpr Result(Unexpected<F>&& u) : ok_(false) {
    new (&error_) E(libk::move(u.error));
  }
  template <typename F>
  constexpr Result(const Unexpected<F>& u) : ok_(false) {
    new (&error_) E(u.error);
  }

  Result(const Result& o) : ok_(o.ok_) {
    if (ok_)
      new (&value_) T(o.value_);
    else
      new (&error_) E(o.error_);
  }
  Result(Result&& o) : ok_(o.ok_) {
    if (ok_)
      new (&value_) T(libk::move(o.value_));
    else
      new (&error_) E(libk::move(o.error_));
  }
  Result& operator=(const Result&) = delete;
  ~Result() {
    if (ok_)
      value_.~T();
    else
      error_.~E();
  }

  constexpr bool ok() const { return ok_; }
  constexpr explicit operator bool() const { return ok_; }
  constexpr T& value() {
    VERIFY(ok_);
    return value_;
  }
  constexpr const T& value() const {
    VERIFY(ok_);
    return value_;
  }
  constexpr E& error() {
    VERIFY(!ok_);
    return error_;
  }
  constexpr const E& error() const {
    VERIFY(!ok_);
    return error_;
  }
  T release_value() {
    VERIFY(ok_);
    return libk::move(value_);
  }

 private:
  bool ok_;
  union {
    T value_;
    E error_;
  };
};

template <typename E>
class [[nodiscard]] Result<void, E> {
 public:
  using ValueType = void;
  using ErrorType = E;

  constexpr Result() : ok_(true), error_() {}
  template <typename F>
  constexpr Result(Unexpected<F>&& u) : ok_(false), error_(libk::move(u.error)) {}
  template <typename F>
  constexpr Result(const Unexpected<F>& u) : ok_(false), error_(u.error) {}

  constexpr bool ok() const { return ok_; }
  constexpr explicit operator bool() const { return ok_; }
  constexpr E& error() {
    VERIFY(!ok_);
    return error_;
  }
  constexpr const E& error() const {
    VERIFY(!ok_);
    return error_;
  }
  void release_value() { VERIFY(ok_); }

 private:
  bool ok_;
  E error_;
};

}  // namespace libk

// Evaluates a Result expression; on error returns the error from the enclosing function,
// otherwise yields the value (nothing for Result<void, E>). Uses a GNU statement expression.
#define TRY(expr)                                                          \
  ({                                                                       \
    auto&& try_result_ = (expr);                                           \
    if (!try_result_.ok()) return ::libk::unexpected(try_result_.error()); \
    try_result_.release_value();                                           \
  })
