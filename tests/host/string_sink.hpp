// Test helpers: format into a std::string and compare libk views with Catch2.
#pragma once

#include <catch2/catch.hpp>
#include <ostream>
#include <string>

#include <libk/format.hpp>
#include <libk/string_view.hpp>

namespace test {

// A Sink that appends everything to a std::string (unbounded, unlike BufferSink).
class StringSink final : public libk::Sink {
 public:
  void write(libk::StringView text) override { out.append(text.data(), text.size()); }
  std::string out;
};

// format_to into a fresh std::string; the format string is still checked at compile time.
template <typename... Args>
std::string format(libk::FormatString<Args...> fmt, const Args&... args) {
  StringSink sink;
  libk::format_to(sink, fmt, args...);
  return sink.out;
}

inline std::string str(libk::StringView v) { return std::string(v.data(), v.size()); }

}  // namespace test

// Lets CHECK(view == "text") print the view's contents when it fails.
namespace Catch {
template <>
struct StringMaker<libk::StringView> {
  static std::string convert(libk::StringView v) { return '"' + test::str(v) + '"'; }
};
}  // namespace Catch
