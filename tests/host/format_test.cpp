// libk/format.hpp: type-safe formatting. Compile-time rejection of bad format strings is
// covered by tests/compile_fail/; these tests check what well-formed strings print.
#include <catch2/catch.hpp>
#include <cstdint>
#include <cstring>
#include <string>

#include <libk/format.hpp>

#include "string_sink.hpp"

using libk::BufferSink;
using libk::ByteSize;
using libk::Decimal;
using libk::RuntimeFormat;
using test::format;

namespace {

struct Point {
  int x;
  int y;
};

enum class Colour : u8 { Red = 1, Green = 2 };

}  // namespace

// A user type plugs in through a Formatter specialisation and may honour the spec.
template <>
struct libk::Formatter<Point> {
  static void format(Sink& sink, const Point& p, const FormatSpec& spec) {
    char buffer[64];
    BufferSink inner(buffer, sizeof(buffer));
    format_to(inner, "({}, {})", p.x, p.y);
    write_padded(sink, inner.view(), spec);
  }
};

// --- Literal text and escapes -------------------------------------------------------------

TEST_CASE("Format string without fields is copied verbatim") {
  CHECK(format("plain text") == "plain text");
  CHECK(format("") == "");
}

TEST_CASE("Doubled braces print single literal braces") {
  CHECK(format("{{}}") == "{}");
  CHECK(format("{{{}}}", 7) == "{7}");
  CHECK(format("a{{b}}c") == "a{b}c");
}

TEST_CASE("Fields take their arguments in order") {
  CHECK(format("{} {} {}", 1, "two", '3') == "1 two 3");
}

// --- Integers: types ------------------------------------------------------------------------

TEST_CASE("Integer type d prints decimal") {
  CHECK(format("{:d}", 1234) == "1234");
  CHECK(format("{}", 0) == "0");
  CHECK(format("{:d}", -1234) == "-1234");
}

TEST_CASE("Integer type x prints lower-case hex without prefix") {
  CHECK(format("{:x}", 0xbeefu) == "beef");
  CHECK(format("{:x}", 0) == "0");
}

TEST_CASE("Integer type X prints upper-case hex") { CHECK(format("{:X}", 0xbeefu) == "BEEF"); }

TEST_CASE("Integer type b prints binary") {
  CHECK(format("{:b}", 10) == "1010");
  CHECK(format("{:b}", 0) == "0");
}

TEST_CASE("Integer type o prints octal") {
  CHECK(format("{:o}", 8) == "10");
  CHECK(format("{:o}", 511) == "777");
}

TEST_CASE("Integer type c prints the value as a character") {
  CHECK(format("{:c}", 65) == "A");
  CHECK(format("{:c}", 97u) == "a");
}

TEST_CASE("Negative numbers in hex keep a minus sign before the magnitude") {
  CHECK(format("{:x}", -255) == "-ff");
  CHECK(format("{:#x}", -255) == "-0xff");
}

// --- Integers: flags, width, fill and alignment ---------------------------------------------

TEST_CASE("Alternate form adds a base prefix") {
  CHECK(format("{:#x}", 255) == "0xff");
  CHECK(format("{:#X}", 255) == "0XFF");
  CHECK(format("{:#b}", 5) == "0b101");
  CHECK(format("{:#o}", 8) == "0o10");
  CHECK(format("{:#}", 8) == "8");
}

TEST_CASE("Numbers are right-aligned in a wider field by default") {
  CHECK(format("{:5}", 42) == "   42");
  CHECK(format("{:5}", -42) == "  -42");
}

TEST_CASE("Width smaller than the number does not truncate") {
  CHECK(format("{:2}", 123456) == "123456");
}

TEST_CASE("Explicit alignment places numbers left, right or centred") {
  CHECK(format("{:<6}|", 42) == "42    |");
  CHECK(format("{:>6}|", 42) == "    42|");
  CHECK(format("{:^6}|", 42) == "  42  |");
}

TEST_CASE("Centring puts the odd padding character on the right") {
  CHECK(format("{:^7}|", 42) == "  42   |");
}

TEST_CASE("Fill character is used for padding") {
  CHECK(format("{:*<6}", 42) == "42****");
  CHECK(format("{:*>6}", 42) == "****42");
  CHECK(format("{:*^6}", 42) == "**42**");
  CHECK(format("{:->#8x}", 255) == "----0xff");
}

TEST_CASE("Zero flag pads with zeros after the sign and prefix") {
  CHECK(format("{:08x}", 255) == "000000ff");
  CHECK(format("{:#010x}", 255) == "0x000000ff");
  CHECK(format("{:06}", -42) == "-00042");
  CHECK(format("{:#06b}", 5) == "0b0101");
}

TEST_CASE("Zero flag is ignored when an alignment is given") {
  CHECK(format("{:<05}|", 42) == "42   |");
  CHECK(format("{:>05}|", 42) == "   42|");
}

TEST_CASE("Precision does not change how an integer prints") {
  CHECK(format("{:.2}", 12345) == "12345");
}

// --- Integers: extreme values ---------------------------------------------------------------

TEST_CASE("Signed minimum and maximum values print exactly") {
  CHECK(format("{}", INT8_MIN) == "-128");
  CHECK(format("{}", INT8_MAX) == "127");
  CHECK(format("{}", INT16_MIN) == "-32768");
  CHECK(format("{}", INT16_MAX) == "32767");
  CHECK(format("{}", INT32_MIN) == "-2147483648");
  CHECK(format("{}", INT32_MAX) == "2147483647");
  CHECK(format("{}", INT64_MIN) == "-9223372036854775808");
  CHECK(format("{}", INT64_MAX) == "9223372036854775807");
}

TEST_CASE("Signed minimum prints its magnitude in every base") {
  CHECK(format("{:x}", INT64_MIN) == "-8000000000000000");
  CHECK(format("{:b}", i8(INT8_MIN)) == "-10000000");
  CHECK(format("{:o}", INT64_MIN) == "-1000000000000000000000");
}

TEST_CASE("Unsigned maximum values print exactly") {
  CHECK(format("{}", u8(UINT8_MAX)) == "255");
  CHECK(format("{}", u16(UINT16_MAX)) == "65535");
  CHECK(format("{}", UINT32_MAX) == "4294967295");
  CHECK(format("{}", UINT64_MAX) == "18446744073709551615");
  CHECK(format("{:#x}", UINT64_MAX) == "0xffffffffffffffff");
  CHECK(format("{:b}", UINT64_MAX) == std::string(64, '1'));
}

TEST_CASE("Enums print as their underlying integer") {
  CHECK(format("{}", Colour::Green) == "2");
  CHECK(format("{:#x}", Colour::Red) == "0x1");
}

// --- bool and char ----------------------------------------------------------------------------

TEST_CASE("bool prints as true or false") {
  CHECK(format("{}", true) == "true");
  CHECK(format("{}", false) == "false");
  CHECK(format("{:s}", true) == "true");
}

TEST_CASE("bool with type d prints 1 or 0") {
  CHECK(format("{:d}", true) == "1");
  CHECK(format("{:d}", false) == "0");
}

TEST_CASE("bool is left-aligned like text") {
  CHECK(format("{:6}|", true) == "true  |");
  CHECK(format("{:>6}|", false) == " false|");
}

TEST_CASE("char prints as a character") {
  CHECK(format("{}", 'x') == "x");
  CHECK(format("{:c}", 'x') == "x");
  CHECK(format("{:3}|", 'x') == "x  |");
  CHECK(format("{:*^3}", 'x') == "*x*");
}

TEST_CASE("char with an integer type prints its code") {
  CHECK(format("{:d}", 'A') == "65");
  CHECK(format("{:x}", 'A') == "41");
  CHECK(format("{:#X}", 'z') == "0X7A");
}

TEST_CASE("char codes above 127 print as unsigned bytes") {
  CHECK(format("{:d}", char(0xff)) == "255");
  CHECK(format("{:x}", char(0x80)) == "80");
}

// --- Strings ----------------------------------------------------------------------------------

TEST_CASE("Strings of every kind print their text") {
  const char* c_string = "c-string";
  char array[16] = "array";
  libk::StringView view("view-and-more", 4);
  CHECK(format("{}", c_string) == "c-string");
  CHECK(format("{}", array) == "array");
  CHECK(format("{}", view) == "view");
  CHECK(format("{:s}", "literal") == "literal");
}

TEST_CASE("char array without terminator prints only its own bytes") {
  char array[3] = {'a', 'b', 'c'};
  CHECK(format("{}", array) == "abc");
}

TEST_CASE("Null C string prints as (null)") {
  const char* nothing = nullptr;
  CHECK(format("{}", nothing) == "(null)");
}

TEST_CASE("Strings are left-aligned in a wider field by default") {
  CHECK(format("{:6}|", "ab") == "ab    |");
  CHECK(format("{:>6}|", "ab") == "    ab|");
  CHECK(format("{:.^6}|", "ab") == "..ab..|");
}

TEST_CASE("Precision truncates a string") {
  CHECK(format("{:.3}", "abcdef") == "abc");
  CHECK(format("{:.3s}", "ab") == "ab");
  CHECK(format("{:.0}", "abc") == "");
  CHECK(format("{:6.2}|", "abcdef") == "ab    |");
}

// --- Pointers ---------------------------------------------------------------------------------

TEST_CASE("Pointer prints as 0x and 16 zero-padded hex digits") {
  auto* p = reinterpret_cast<const void*>(uintptr_t{0x1234});
  CHECK(format("{}", p) == "0x0000000000001234");
  CHECK(format("{:p}", p) == "0x0000000000001234");
}

TEST_CASE("nullptr prints as a zero pointer") {
  CHECK(format("{}", nullptr) == "0x0000000000000000");
  int* null_int = nullptr;
  CHECK(format("{:p}", null_int) == "0x0000000000000000");
}

TEST_CASE("Pointer with type x prints compact hex with prefix") {
  auto* p = reinterpret_cast<int*>(uintptr_t{0xabc0});
  CHECK(format("{:x}", p) == "0xabc0");
}

TEST_CASE("Pointer with an explicit width is padded with the fill") {
  auto* p = reinterpret_cast<void*>(uintptr_t{0x1234});
  CHECK(format("{:10p}|", p) == "    0x1234|");
  CHECK(format("{:<10p}|", p) == "0x1234    |");
}

// --- Custom formatters ------------------------------------------------------------------------

TEST_CASE("Custom Formatter specialisation is used for its type") {
  CHECK(format("at {}", Point{3, -4}) == "at (3, -4)");
}

TEST_CASE("Custom Formatter receives the field's spec") {
  CHECK(format("[{:>10}]", Point{1, 2}) == "[    (1, 2)]");
  CHECK(format("[{:*<8}]", Point{1, 2}) == "[(1, 2)**]");
}

// --- Decimal ----------------------------------------------------------------------------------

TEST_CASE("Decimal places the point by its decimals count") {
  CHECK(format("{}", Decimal{12345, 3}) == "12.345");
  CHECK(format("{}", Decimal{5, 1}) == "0.5");
}

TEST_CASE("Decimal keeps leading zeros of the fraction") {
  CHECK(format("{}", Decimal{1005, 3}) == "1.005");
  CHECK(format("{}", Decimal{100, 2}) == "1.00");
}

TEST_CASE("Decimal with zero decimals prints an integer") {
  CHECK(format("{}", Decimal{42, 0}) == "42");
}

TEST_CASE("Negative Decimal prints a minus sign even below one") {
  CHECK(format("{}", Decimal{-12345, 3}) == "-12.345");
  CHECK(format("{}", Decimal{-5, 2}) == "-0.05");
  CHECK(format("{}", Decimal{INT64_MIN, 0}) == "-9223372036854775808");
  CHECK(format("{}", Decimal{INT64_MIN, 18}) == "-9.223372036854775808");
}

TEST_CASE("Decimal with 19 decimals, the most a u64 divisor holds, is exact") {
  CHECK(format("{}", Decimal{INT64_MAX, 19}) == "0.9223372036854775807");
}

TEST_CASE("Decimal with 20 decimals is exact") {
  CHECK(format("{}", Decimal{INT64_MAX, 20}) == "0.09223372036854775807");
}

TEST_CASE("Decimal is right-aligned in a wider field") {
  CHECK(format("[{:7}]", Decimal{15, 1}) == "[    1.5]");
  CHECK(format("[{:<7}]", Decimal{-15, 1}) == "[-1.5   ]");
}

// --- ByteSize ---------------------------------------------------------------------------------

TEST_CASE("ByteSize below one KiB prints bytes") {
  CHECK(format("{}", ByteSize{0}) == "0 B");
  CHECK(format("{}", ByteSize{1023}) == "1023 B");
}

TEST_CASE("ByteSize prints whole units without a fraction") {
  CHECK(format("{}", ByteSize{1024}) == "1 KiB");
  CHECK(format("{}", ByteSize{3 * libk::MiB}) == "3 MiB");
  CHECK(format("{}", ByteSize{2 * libk::GiB}) == "2 GiB");
}

TEST_CASE("ByteSize prints one truncated decimal") {
  CHECK(format("{}", ByteSize{1536}) == "1.5 KiB");
  CHECK(format("{}", ByteSize{2047}) == "1.9 KiB");
  CHECK(format("{}", ByteSize{libk::MiB + 200 * libk::KiB}) == "1.1 MiB");
  CHECK(format("{}", ByteSize{libk::MiB + 50 * libk::KiB}) == "1 MiB");
}

TEST_CASE("ByteSize of the largest value prints in EiB") {
  CHECK(format("{}", ByteSize{UINT64_MAX}) == "15.9 EiB");
}

TEST_CASE("ByteSize is right-aligned in a wider field") {
  CHECK(format("[{:9}]", ByteSize{1536}) == "[  1.5 KiB]");
}

// --- BufferSink, FixedString, format_into ----------------------------------------------------

TEST_CASE("BufferSink keeps output that fits, NUL-terminated") {
  char buffer[16];
  std::memset(buffer, 'Z', sizeof(buffer));
  BufferSink sink(buffer, sizeof(buffer));
  libk::format_to(sink, "n={}", 42);
  CHECK(sink.view() == "n=42");
  CHECK(sink.length() == 4);
  CHECK(buffer[4] == '\0');
  CHECK(std::strcmp(sink.c_str(), "n=42") == 0);
  CHECK_FALSE(sink.truncated());
}

TEST_CASE("BufferSink filled exactly to capacity minus one is not truncated") {
  char buffer[6];
  BufferSink sink(buffer, sizeof(buffer));
  sink.write("hello");
  CHECK(sink.view() == "hello");
  CHECK(buffer[5] == '\0');
  CHECK_FALSE(sink.truncated());
}

TEST_CASE("BufferSink truncates on overflow and reports it") {
  char buffer[8];
  std::memset(buffer, 'Z', sizeof(buffer));
  BufferSink sink(buffer, sizeof(buffer));
  sink.write("hello ");
  sink.write("world");
  CHECK(sink.view() == "hello w");
  CHECK(sink.length() == 7);
  CHECK(buffer[7] == '\0');
  CHECK(sink.truncated());
}

TEST_CASE("BufferSink stays truncated after further writes") {
  char buffer[4];
  BufferSink sink(buffer, sizeof(buffer));
  sink.write("abcdef");
  sink.write("");
  sink.write("g");
  CHECK(sink.view() == "abc");
  CHECK(sink.truncated());
}

TEST_CASE("BufferSink clear empties the buffer and the truncation flag") {
  char buffer[4];
  BufferSink sink(buffer, sizeof(buffer));
  sink.write("abcdef");
  sink.clear();
  CHECK(sink.view() == "");
  CHECK(buffer[0] == '\0');
  CHECK_FALSE(sink.truncated());
  sink.write("xy");
  CHECK(sink.view() == "xy");
}

TEST_CASE("BufferSink of capacity 0 writes nothing and reports truncation") {
  BufferSink sink(nullptr, 0);
  CHECK(std::strcmp(sink.c_str(), "") == 0);
  sink.write("");
  CHECK_FALSE(sink.truncated());
  sink.write("x");
  CHECK(sink.length() == 0);
  CHECK(sink.truncated());
  CHECK(std::strcmp(sink.c_str(), "") == 0);
}

TEST_CASE("BufferSink of capacity 1 holds only the terminator") {
  char buffer[1] = {'Z'};
  BufferSink sink(buffer, 1);
  CHECK(buffer[0] == '\0');
  sink.write("x");
  CHECK(sink.length() == 0);
  CHECK(buffer[0] == '\0');
  CHECK(sink.truncated());
}

TEST_CASE("format_into returns the length written and always terminates") {
  char buffer[8];
  CHECK(libk::format_into(buffer, sizeof(buffer), "{}-{}", 12, 34) == 5);
  CHECK(std::string(buffer) == "12-34");
  CHECK(libk::format_into(buffer, sizeof(buffer), "{}", 1234567890) == 7);
  CHECK(std::string(buffer) == "1234567");
  CHECK(libk::format_into(nullptr, 0, "{}", 1) == 0);
}

TEST_CASE("Padding wider than the internal fill chunk is written completely") {
  std::string wide = format("{:4096}", 1);
  CHECK(wide.size() == 4096);
  CHECK(wide.back() == '1');
  CHECK(wide.find_first_not_of(' ') == 4095);
}

TEST_CASE("FixedString formats into inline storage") {
  libk::FixedString<8> s;
  libk::format_to(s.sink(), "{}", 123);
  CHECK(s.view() == "123");
  CHECK(std::string(s.c_str()) == "123");
  CHECK_FALSE(s.truncated());
  libk::format_to(s.sink(), "{}", 45678);
  CHECK(s.view() == "1234567");
  CHECK(s.truncated());
  s.clear();
  CHECK(s.view() == "");
}

// --- RuntimeFormat ----------------------------------------------------------------------------

TEST_CASE("RuntimeFormat formats well-formed fields like a checked string") {
  CHECK(format(RuntimeFormat{"{:#06x} {:>4} {}"}, 255, "ab", true) == "0x00ff   ab true");
}

TEST_CASE("RuntimeFormat honours brace escapes") {
  CHECK(format(RuntimeFormat{"{{{}}}"}, 1) == "{1}");
}

TEST_CASE("RuntimeFormat prints {?} for an unmatched closing brace") {
  CHECK(format(RuntimeFormat{"a}b"}) == "a{?}b");
}

TEST_CASE("RuntimeFormat prints {?} for an unterminated field") {
  CHECK(format(RuntimeFormat{"x{"}, 1) == "x{?}");
}

TEST_CASE("RuntimeFormat marks a malformed field with {?} and does not print its argument") {
  std::string out = format(RuntimeFormat{"[{:.}]"}, 5);
  CHECK(out.rfind("[{?}", 0) == 0);
  CHECK(out.back() == ']');
  CHECK(out.find('5') == std::string::npos);
}

TEST_CASE("RuntimeFormat replaces a malformed field with a single {?}") {
  CHECK(format(RuntimeFormat{"[{:.}]"}, 5) == "[{?}]");
  CHECK(format(RuntimeFormat{"[{:99999}]"}, 5) == "[{?}]");
}

TEST_CASE("RuntimeFormat replaces a field without an argument with a single {?}") {
  CHECK(format(RuntimeFormat{"{} and {}"}, 1) == "1 and {?}");
  CHECK(format(RuntimeFormat{"<{:x}>"}) == "<{?}>");
}

TEST_CASE("RuntimeFormat ignores arguments without a field") {
  CHECK(format(RuntimeFormat{"just {}"}, 1, 2) == "just 1");
}

// --- Helpers for Formatter authors ------------------------------------------------------------

TEST_CASE("write_padded uses the default alignment only when the spec has none") {
  test::StringSink sink;
  libk::FormatSpec spec;
  spec.width = 4;
  libk::write_padded(sink, "ab", spec, '>');
  CHECK(sink.out == "  ab");
  sink.out.clear();
  spec.align = '<';
  libk::write_padded(sink, "ab", spec, '>');
  CHECK(sink.out == "ab  ");
}

TEST_CASE("write_unsigned honours type and flags of the spec") {
  test::StringSink sink;
  libk::FormatSpec spec;
  spec.type = 'x';
  spec.alternate = true;
  spec.zero_pad = true;
  spec.width = 6;
  libk::write_unsigned(sink, 0xab, spec);
  CHECK(sink.out == "0x00ab");
}
