// libk/string_view.hpp (StringView, parse_u64) and the small vocabulary types that go with
// it: Optional, Result and TRY, Span.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include <libk/optional.hpp>
#include <libk/result.hpp>
#include <libk/span.hpp>
#include <libk/string_view.hpp>

#include "string_sink.hpp"

using libk::StringView;

namespace {

u64 parsed(StringView text) {
  u64 value = 0xbad;
  REQUIRE(libk::parse_u64(text, value));
  return value;
}

bool parses(StringView text) {
  u64 value = 0;
  return libk::parse_u64(text, value);
}

}  // namespace

// --- StringView -------------------------------------------------------------------------------

TEST_CASE("StringView from a C string measures it") {
  StringView v("hello");
  CHECK(v.size() == 5);
  CHECK_FALSE(v.empty());
  CHECK(v[1] == 'e');
  CHECK(StringView(nullptr).empty());
  CHECK(StringView().empty());
}

TEST_CASE("StringView equality compares contents, not pointers") {
  std::string a = "abc", b = "abc";
  CHECK(StringView(a.c_str()) == StringView(b.c_str()));
  CHECK_FALSE(StringView("abc") == StringView("abd"));
  CHECK_FALSE(StringView("abc") == StringView("ab"));
  CHECK(StringView() == StringView(""));
}

TEST_CASE("find locates a character from a starting position") {
  StringView v("a=b=c");
  CHECK(v.find('=') == 1);
  CHECK(v.find('=', 2) == 3);
  CHECK(v.find('=', 4) == StringView::npos);
  CHECK(v.find('x') == StringView::npos);
  CHECK(v.find('a', 100) == StringView::npos);
}

TEST_CASE("find locates a substring from a starting position") {
  StringView v("one two one");
  CHECK(v.find("one") == 0);
  CHECK(v.find("one", 1) == 8);
  CHECK(v.find("two") == 4);
  CHECK(v.find("three") == StringView::npos);
  CHECK(v.find("one two one!") == StringView::npos);
  CHECK(v.find("") == 0);
}

TEST_CASE("trim removes whitespace at both ends only") {
  CHECK(StringView(" \t\r\n\v\fa b\t \n").trim() == "a b");
  CHECK(StringView("   ").trim().empty());
  CHECK(StringView("").trim().empty());
  CHECK(StringView("x").trim() == "x");
}

TEST_CASE("substr clamps the count to the view") {
  StringView v("abcdef");
  CHECK(v.substr(2) == "cdef");
  CHECK(v.substr(2, 2) == "cd");
  CHECK(v.substr(4, 100) == "ef");
  CHECK(v.substr(6).empty());
}

TEST_CASE("substr past the end is empty") {
  StringView v("abc");
  CHECK(v.substr(4).empty());
  CHECK(v.substr(StringView::npos, 1).empty());
}

TEST_CASE("starts_with and ends_with compare prefixes and suffixes") {
  StringView v("kernel.elf");
  CHECK(v.starts_with("kernel"));
  CHECK(v.starts_with(""));
  CHECK_FALSE(v.starts_with("kernel.elf.bak"));
  CHECK(v.ends_with(".elf"));
  CHECK_FALSE(v.ends_with(".efi"));
  CHECK_FALSE(StringView("f").ends_with("elf"));
}

// --- parse_u64 --------------------------------------------------------------------------------

TEST_CASE("parse_u64 reads decimal numbers") {
  CHECK(parsed("0") == 0);
  CHECK(parsed("42") == 42);
  CHECK(parsed("007") == 7);
  CHECK(parsed("18446744073709551615") == UINT64_MAX);
}

TEST_CASE("parse_u64 reads hex numbers with a 0x prefix") {
  CHECK(parsed("0x0") == 0);
  CHECK(parsed("0xff") == 255);
  CHECK(parsed("0XFF") == 255);
  CHECK(parsed("0xDeadBeef") == 0xdeadbeef);
  CHECK(parsed("0xffffffffffffffff") == UINT64_MAX);
}

TEST_CASE("parse_u64 rejects values that overflow u64") {
  CHECK_FALSE(parses("18446744073709551616"));
  CHECK_FALSE(parses("99999999999999999999"));
  CHECK_FALSE(parses("0x10000000000000000"));
}

TEST_CASE("parse_u64 rejects empty text and a bare prefix") {
  CHECK_FALSE(parses(""));
  CHECK_FALSE(parses("0x"));
}

TEST_CASE("parse_u64 rejects anything that is not entirely a number") {
  for (const char* text :
       {"12a", "a12", "-1", "+1", " 1", "1 ", "0x1g", "ff", "1.5", "0b101", "0x-1", "1_000"}) {
    CAPTURE(text);
    CHECK_FALSE(parses(text));
  }
}

TEST_CASE("parse_u64 leaves the output alone on failure") {
  u64 value = 77;
  CHECK_FALSE(libk::parse_u64("nope", value));
  CHECK(value == 77);
}

TEST_CASE("parse_u64 works at compile time") {
  constexpr auto value = [] {
    u64 v = 0;
    return libk::parse_u64("0x1000", v) ? v : 0;
  }();
  STATIC_REQUIRE(value == 0x1000);
}

// --- Optional ---------------------------------------------------------------------------------

TEST_CASE("Optional is empty by default and from nullopt") {
  libk::Optional<int> a;
  libk::Optional<int> b = libk::nullopt;
  CHECK_FALSE(a.has_value());
  CHECK_FALSE(b);
  CHECK(a.value_or(5) == 5);
}

TEST_CASE("Optional holds a value") {
  libk::Optional<int> a = 3;
  REQUIRE(a.has_value());
  CHECK(*a == 3);
  CHECK(a.value() == 3);
  CHECK(a.value_or(5) == 3);
  *a = 4;
  CHECK(a.value() == 4);
}

TEST_CASE("Optional gives member access through ->") {
  struct Pair {
    int first, second;
  };
  libk::Optional<Pair> p = Pair{1, 2};
  CHECK(p->second == 2);
}

TEST_CASE("Optional can be reassigned between empty and full") {
  libk::Optional<StringView> v;
  v = StringView("x");
  CHECK(v.has_value());
  v = libk::nullopt;
  CHECK_FALSE(v.has_value());
}

// --- Result and TRY ---------------------------------------------------------------------------

namespace {

enum class Fault { Bad, Worse };

libk::Result<int, Fault> half(int v) {
  if (v % 2) return libk::unexpected(Fault::Bad);
  return v / 2;
}

libk::Result<int, Fault> quarter(int v) {
  int h = TRY(half(v));
  return TRY(half(h));
}

libk::Result<void, Fault> check_even(int v) {
  if (v % 2) return libk::unexpected(Fault::Worse);
  return {};
}

int steps = 0;

libk::Result<void, Fault> check_both(int a, int b) {
  steps = 0;
  TRY(check_even(a));
  ++steps;
  TRY(check_even(b));
  ++steps;
  return {};
}

}  // namespace

TEST_CASE("Result holds a value") {
  auto r = half(8);
  REQUIRE(r.ok());
  CHECK(bool(r));
  CHECK(r.value() == 4);
}

TEST_CASE("Result holds an error") {
  auto r = half(3);
  REQUIRE_FALSE(r.ok());
  CHECK_FALSE(bool(r));
  CHECK(r.error() == Fault::Bad);
}

TEST_CASE("TRY yields the value of a successful Result") {
  auto r = quarter(12);
  REQUIRE(r.ok());
  CHECK(r.value() == 3);
}

TEST_CASE("TRY returns the error of a failed Result from the enclosing function") {
  CHECK(quarter(3).error() == Fault::Bad);  // first TRY fails
  CHECK(quarter(6).error() == Fault::Bad);  // second TRY fails
}

TEST_CASE("TRY on Result<void> stops at the first error") {
  CHECK(check_both(2, 4).ok());
  CHECK(steps == 2);
  auto r = check_both(2, 3);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error() == Fault::Worse);
  CHECK(steps == 1);
}

namespace {

// A heap-owning value type from a test namespace. (A std:: type would not do: libk's
// unqualified move/forward calls become ambiguous with std::move through ADL.)
struct Payload {
  std::vector<int> data;
};

}  // namespace

TEST_CASE("Result owns a non-trivial value and releases it by move") {
  libk::Result<Payload, int> r(Payload{std::vector<int>(100, 7)});
  libk::Result<Payload, int> copy(r);
  Payload taken = r.release_value();
  CHECK(taken.data.size() == 100);
  CHECK(copy.value().data == std::vector<int>(100, 7));
}

TEST_CASE("Result owns a non-trivial error") {
  libk::Result<int, Payload> r = libk::unexpected(Payload{std::vector<int>(50, 1)});
  libk::Result<int, Payload> moved(libk::move(r));
  REQUIRE_FALSE(moved.ok());
  CHECK(moved.error().data.size() == 50);
}

// --- Span -------------------------------------------------------------------------------------

TEST_CASE("Span subspan clamps to the view") {
  int values[] = {1, 2, 3, 4};
  libk::Span<int> s(values);
  CHECK(s.size() == 4);
  CHECK(s.subspan(1, 2).size() == 2);
  CHECK(s.subspan(1, 2)[0] == 2);
  CHECK(s.subspan(3, 10).size() == 1);
  CHECK(s.subspan(5).empty());
}

TEST_CASE("Span contains_range rejects ranges that overflow") {
  u8 bytes[16] = {};
  libk::Bytes b(bytes);
  CHECK(b.contains_range(0, 16));
  CHECK(b.contains_range(16, 0));
  CHECK_FALSE(b.contains_range(8, 9));
  CHECK_FALSE(b.contains_range(17, 0));
  CHECK_FALSE(b.contains_range(8, ~u64{0}));
}
