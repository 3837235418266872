// Type-safe formatting: format_to(sink, "x={} y={:#x}", a, b).
//
// The format string is checked at compile time when it is a constant: a wrong number of
// arguments, an unknown spec or a spec that does not fit the argument's type (e.g. "{:x}"
// with a string) fails to compile. The grammar is a subset of C++20 std::format:
//
//   {[:[[fill]align][#][0][width][.precision][type]]}     align: < > ^
//   type: d (decimal) x X (hex) b (binary) o (octal) c (character) s (string) p (pointer)
//   {{ and }} are literal braces.
//
// Other types plug in by specialising libk::Formatter<T> with
//   static void format(Sink&, const T&, const FormatSpec&);
#pragma once

#include <libk/string_view.hpp>
#include <libk/types.hpp>
#include <libk/utility.hpp>

namespace libk {

// Receives formatted output. Implementations: serial ports, the console, fixed buffers.
class Sink {
 public:
  virtual void write(StringView text) = 0;
  void put(char c) { write(StringView(&c, 1)); }

 protected:
  ~Sink() = default;
};

struct FormatSpec {
  char fill = ' ';
  char align = 0;  // '<', '>', '^', or 0 for the default (numbers right, text left)
  bool alternate = false;
  bool zero_pad = false;
  u32 width = 0;
  i32 precision = -1;
  char type = 0;
};

enum class ArgKind : u8 { Signed, Unsigned, Bool, Char, String, Pointer, Custom };

using CustomFormatFn = void (*)(Sink&, const void*, const FormatSpec&);

struct FormatArg {
  ArgKind kind;
  union {
    i64 s;
    u64 u;
    bool b;
    char c;
    struct {
      const char* data;
      usize size;
    } str;
    struct {
      const void* object;
      CustomFormatFn fn;
    } custom;
  };
};

template <typename T>
struct Formatter;  // specialise for your own types

namespace format_detail {

template <typename T>
inline constexpr bool kIsSignedInt = false;
template <>
inline constexpr bool kIsSignedInt<signed char> = true;
template <>
inline constexpr bool kIsSignedInt<short> = true;
template <>
inline constexpr bool kIsSignedInt<int> = true;
template <>
inline constexpr bool kIsSignedInt<long> = true;
template <>
inline constexpr bool kIsSignedInt<long long> = true;

template <typename T>
inline constexpr bool kIsUnsignedInt = false;
template <>
inline constexpr bool kIsUnsignedInt<unsigned char> = true;
template <>
inline constexpr bool kIsUnsignedInt<unsigned short> = true;
template <>
inline constexpr bool kIsUnsignedInt<unsigned int> = true;
template <>
inline constexpr bool kIsUnsignedInt<unsigned long> = true;
template <>
inline constexpr bool kIsUnsignedInt<unsigned long long> = true;
template <>
inline constexpr bool kIsUnsignedInt<char16_t> = true;
template <>
inline constexpr bool kIsUnsignedInt<char32_t> = true;

template <typename T>
inline constexpr bool kIsCharArray = false;
template <usize N>
inline constexpr bool kIsCharArray<char[N]> = true;

template <typename T>
inline constexpr bool kIsPointer = false;
template <typename T>
inline constexpr bool kIsPointer<T*> = true;

template <typename T>
concept HasFormatter = requires(Sink& s, const T& v, const FormatSpec& spec) {
  Formatter<T>::format(s, v, spec);
};

template <typename T>
consteval ArgKind kind_of() {
  if constexpr (kIsSame<T, bool>)
    return ArgKind::Bool;
  else if constexpr (kIsSame<T, char>)
    return ArgKind::Char;
  else if constexpr (kIsSignedInt<T>)
    return ArgKind::Signed;
  else if constexpr (kIsUnsignedInt<T>)
    return ArgKind::Unsigned;
  else if constexpr (kIsSame<T, const char*> || kIsSame<T, char*> || kIsCharArray<T> ||
                     kIsSame<T, StringView>)
    return ArgKind::String;
  else if constexpr (HasFormatter<T>)
    return ArgKind::Custom;
  else if constexpr (__is_enum(T))
    return kind_of<__underlying_type(T)>();
  else if constexpr (kIsPointer<T> || kIsSame<T, decltype(nullptr)>)
    return ArgKind::Pointer;
  else
    return ArgKind::Custom;  // fails later with "no Formatter" if none exists
}

// Parses one replacement field's spec starting after '{' (and ':' if any) up to '}'.
// Returns the position of the closing '}' or npos on a malformed spec.
constexpr usize parse_spec(StringView fmt, usize pos, FormatSpec& spec) {
  auto is_align = [](char c) { return c == '<' || c == '>' || c == '^'; };
  if (pos < fmt.size() && fmt[pos] == '}') return pos;
  if (pos >= fmt.size() || fmt[pos] != ':') return StringView::npos;
  ++pos;
  if (pos + 1 < fmt.size() && is_align(fmt[pos + 1]) && fmt[pos] != '{' && fmt[pos] != '}') {
    spec.fill = fmt[pos];
    spec.align = fmt[pos + 1];
    pos += 2;
  } else if (pos < fmt.size() && is_align(fmt[pos])) {
    spec.align = fmt[pos++];
  }
  if (pos < fmt.size() && fmt[pos] == '#') spec.alternate = true, ++pos;
  if (pos < fmt.size() && fmt[pos] == '0') spec.zero_pad = true, ++pos;
  while (pos < fmt.size() && fmt[pos] >= '0' && fmt[pos] <= '9') {
    spec.width = spec.width * 10 + u32(fmt[pos++] - '0');
    if (spec.width > 4096) return StringView::npos;
  }
  if (pos < fmt.size() && fmt[pos] == '.') {
    ++pos;
    if (pos >= fmt.size() || fmt[pos] < '0' || fmt[pos] > '9') return StringView::npos;
    spec.precision = 0;
    while (pos < fmt.size() && fmt[pos] >= '0' && fmt[pos] <= '9') {
      spec.precision = spec.precision * 10 + i32(fmt[pos++] - '0');
      if (spec.precision > 4096) return StringView::npos;
    }
  }
  if (pos < fmt.size() && fmt[pos] != '}') spec.type = fmt[pos++];
  if (pos >= fmt.size() || fmt[pos] != '}') return StringView::npos;
  return pos;
}

constexpr bool spec_fits(ArgKind kind, char type) {
  if (type == 0) return true;
  switch (kind) {
    case ArgKind::Signed:
    case ArgKind::Unsigned:
      return type == 'd' || type == 'x' || type == 'X' || type == 'b' || type == 'o' || type == 'c';
    case ArgKind::Bool: return type == 's' || type == 'd';
    case ArgKind::Char: return type == 'c' || type == 'd' || type == 'x' || type == 'X';
    case ArgKind::String: return type == 's';
    case ArgKind::Pointer: return type == 'p' || type == 'x';
    case ArgKind::Custom: return true;
  }
  return false;
}

// Deliberately not constexpr: calling it during constant evaluation is the compile error,
// and its argument names the problem in the diagnostic.
void format_string_error(const char* problem);

template <ArgKind... Kinds>
consteval void check_format(StringView fmt) {
  constexpr ArgKind kinds[] = {Kinds..., ArgKind::Custom};
  constexpr usize count = sizeof...(Kinds);
  usize next_arg = 0;
  for (usize i = 0; i < fmt.size(); ++i) {
    if (fmt[i] == '}') {
      if (i + 1 < fmt.size() && fmt[i + 1] == '}') {
        ++i;
        continue;
      }
      format_string_error("unmatched '}' in format string");
    }
    if (fmt[i] != '{') continue;
    if (i + 1 < fmt.size() && fmt[i + 1] == '{') {
      ++i;
      continue;
    }
    FormatSpec spec;
    usize close = parse_spec(fmt, i + 1, spec);
    if (close == StringView::npos) format_string_error("malformed replacement field");
    if (next_arg >= count) format_string_error("more replacement fields than arguments");
    if (!spec_fits(kinds[next_arg], spec.type))
      format_string_error("format spec type does not fit the argument's type");
    ++next_arg;
    i = close;
  }
  if (next_arg != count) format_string_error("more arguments than replacement fields");
}

}  // namespace format_detail

// A format string that has not been checked at compile time (built at run time).
// Malformed fields are printed as "{?}" instead of failing.
struct RuntimeFormat {
  StringView text;
};

template <typename... Args>
struct BasicFormatString {
  template <usize N>
  consteval BasicFormatString(const char (&s)[N]) : text(s, N - 1) {
    format_detail::check_format<format_detail::kind_of<RemoveCvRefT<Args>>()...>(text);
  }
  constexpr BasicFormatString(RuntimeFormat r) : text(r.text) {}
  StringView text;
};

template <typename... Args>
using FormatString = BasicFormatString<TypeIdentityT<Args>...>;

namespace format_detail {

template <typename T>
FormatArg make_arg(const T& v) {
  constexpr ArgKind kind = kind_of<T>();
  FormatArg a;
  a.kind = kind;
  if constexpr (kind == ArgKind::Bool)
    a.b = v;
  else if constexpr (kind == ArgKind::Char)
    a.c = v;
  else if constexpr (kind == ArgKind::Signed)
    a.s = i64(v);
  else if constexpr (kind == ArgKind::Unsigned)
    a.u = u64(v);
  else if constexpr (kind == ArgKind::String) {
    if constexpr (kIsSame<T, StringView>) {
      a.str = {v.data(), v.size()};
    } else if constexpr (kIsCharArray<T>) {
      usize n = 0;
      while (n < sizeof(T) && v[n] != '\0') ++n;
      a.str = {v, n};
    } else {
      const char* s = v ? v : "(null)";
      a.str = {s, cstring_length(s)};
    }
  } else if constexpr (kind == ArgKind::Pointer) {
    if constexpr (kIsSame<T, decltype(nullptr)>)
      a.u = 0;
    else
      a.u = reinterpret_cast<uptr>(v);
  } else {
    a.custom.object = &v;
    a.custom.fn = [](Sink& sink, const void* obj, const FormatSpec& spec) {
      Formatter<T>::format(sink, *static_cast<const T*>(obj), spec);
    };
  }
  return a;
}

}  // namespace format_detail

// Formats with already-converted arguments; the engine behind every other function here.
void vformat(Sink& sink, StringView fmt, const FormatArg* args, usize count);

template <typename... Args>
void format_to(Sink& sink, FormatString<Args...> fmt, const Args&... args) {
  if constexpr (sizeof...(Args) == 0) {
    vformat(sink, fmt.text, nullptr, 0);
  } else {
    const FormatArg converted[] = {format_detail::make_arg(args)...};
    vformat(sink, fmt.text, converted, sizeof...(Args));
  }
}

// Writes a padded field (width/fill/align of `spec`) around `text`; for Formatter authors.
void write_padded(Sink& sink, StringView text, const FormatSpec& spec, char default_align = '<');

// Formats an unsigned value with `spec` (base from its type); for Formatter authors.
void write_unsigned(Sink& sink, u64 value, const FormatSpec& spec);

// A Sink into a caller-provided buffer: keeps a NUL terminator, truncates on overflow and
// remembers that it did.
class BufferSink final : public Sink {
 public:
  BufferSink(char* buffer, usize capacity) : buffer_(buffer), capacity_(capacity) {
    if (capacity_ > 0) buffer_[0] = '\0';
  }
  void write(StringView text) override;
  StringView view() const { return {buffer_, length_}; }
  const char* c_str() const { return capacity_ ? buffer_ : ""; }
  usize length() const { return length_; }
  bool truncated() const { return truncated_; }
  void clear() {
    length_ = 0;
    truncated_ = false;
    if (capacity_) buffer_[0] = '\0';
  }

 private:
  char* buffer_;
  usize capacity_;
  usize length_ = 0;
  bool truncated_ = false;
};

// A string with inline storage of N bytes (including the terminator).
template <usize N>
class FixedString {
 public:
  FixedString() : sink_(storage_, N) {}
  FixedString(const FixedString&) = delete;
  Sink& sink() { return sink_; }
  StringView view() const { return sink_.view(); }
  const char* c_str() const { return sink_.c_str(); }
  bool truncated() const { return sink_.truncated(); }
  void clear() { sink_.clear(); }

 private:
  char storage_[N];
  BufferSink sink_;
};

// snprintf-like: formats into `buffer` (always terminated), returns the length written.
template <typename... Args>
usize format_into(char* buffer, usize capacity, FormatString<Args...> fmt, const Args&... args) {
  BufferSink sink(buffer, capacity);
  format_to(sink, fmt, args...);
  return sink.length();
}

// Fixed-point display without floating point (the kernel has no FPU state):
// Decimal{12345, 3} prints "12.345".
struct Decimal {
  i64 scaled;
  u32 decimals;
};

template <>
struct Formatter<Decimal> {
  static void format(Sink& sink, const Decimal& d, const FormatSpec& spec);
};

// A human-readable byte count: 1536 -> "1.5 KiB".
struct ByteSize {
  u64 bytes;
};

template <>
struct Formatter<ByteSize> {
  static void format(Sink& sink, const ByteSize& b, const FormatSpec& spec);
};

}  // namespace libk
