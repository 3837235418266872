// A non-owning string view (bytes, usually UTF-8) with the operations Ember's parsers need.
#pragma once

#include <libk/types.hpp>

namespace libk {

constexpr usize cstring_length(const char* s) {
  usize n = 0;
  while (s[n] != '\0') ++n;
  return n;
}

class StringView {
 public:
  static constexpr usize npos = ~usize{0};

  constexpr StringView() = default;
  constexpr StringView(const char* s) : data_(s), size_(s ? cstring_length(s) : 0) {}
  constexpr StringView(const char* s, usize n) : data_(s), size_(n) {}

  constexpr const char* data() const { return data_; }
  constexpr usize size() const { return size_; }
  constexpr bool empty() const { return size_ == 0; }
  constexpr char operator[](usize i) const { return data_[i]; }
  constexpr const char* begin() const { return data_; }
  constexpr const char* end() const { return data_ + size_; }

  constexpr StringView substr(usize pos, usize count = npos) const {
    if (pos > size_) return {};
    usize rest = size_ - pos;
    return {data_ + pos, count < rest ? count : rest};
  }

  constexpr bool operator==(StringView other) const {
    if (size_ != other.size_) return false;
    for (usize i = 0; i < size_; ++i)
      if (data_[i] != other.data_[i]) return false;
    return true;
  }

  constexpr bool starts_with(StringView prefix) const {
    return prefix.size_ <= size_ && substr(0, prefix.size_) == prefix;
  }
  constexpr bool ends_with(StringView suffix) const {
    return suffix.size_ <= size_ && substr(size_ - suffix.size_) == suffix;
  }

  constexpr usize find(char c, usize from = 0) const {
    for (usize i = from; i < size_; ++i)
      if (data_[i] == c) return i;
    return npos;
  }

  constexpr usize find(StringView needle, usize from = 0) const {
    if (needle.size_ > size_) return npos;
    for (usize i = from; i + needle.size_ <= size_; ++i)
      if (substr(i, needle.size_) == needle) return i;
    return npos;
  }

  constexpr StringView trim() const {
    usize b = 0, e = size_;
    while (b < e && is_space(data_[b])) ++b;
    while (e > b && is_space(data_[e - 1])) --e;
    return substr(b, e - b);
  }

  static constexpr bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
  }

 private:
  const char* data_ = nullptr;
  usize size_ = 0;
};

// Parses an unsigned integer: decimal, or hex with a 0x prefix. The whole view must be a
// number that fits in u64; otherwise returns false.
constexpr bool parse_u64(StringView text, u64& out) {
  u64 base = 10;
  usize i = 0;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    base = 16;
    i = 2;
  }
  if (i == text.size()) return false;
  u64 value = 0;
  for (; i < text.size(); ++i) {
    char c = text[i];
    u64 digit;
    if (c >= '0' && c <= '9')
      digit = u64(c - '0');
    else if (base == 16 && c >= 'a' && c <= 'f')
      digit = u64(c - 'a' + 10);
    else if (base == 16 && c >= 'A' && c <= 'F')
      digit = u64(c - 'A' + 10);
    else
      return false;
    if (__builtin_mul_overflow(value, base, &value)) return false;
    if (__builtin_add_overflow(value, digit, &value)) return false;
  }
  out = value;
  return true;
}

}  // namespace libk
