// libk/utf8.hpp: the streaming decoder against Unicode 15 §3.9 — the well-formed byte
// sequences of Table 3-7 and the worked examples of "U+FFFD substitution of maximal subparts".
#include <catch2/catch.hpp>
#include <initializer_list>
#include <string>
#include <vector>

#include <libk/utf8.hpp>

namespace {

constexpr char32_t R = libk::kReplacementCharacter;

std::u32string decode(std::initializer_list<u8> bytes) {
  std::string text(bytes.begin(), bytes.end());
  std::u32string out;
  libk::decode_utf8(libk::StringView(text.data(), text.size()), [&](char32_t c) { out += c; });
  return out;
}

// Code points as numbers: Catch prints a vector of them readably, a u32string not at all.
using U = std::vector<u32>;

U decoded(std::initializer_list<u8> bytes) {
  std::u32string s = decode(bytes);
  return {s.begin(), s.end()};
}

}  // namespace

// --- Table 3-7: every row's first and last code point -----------------------------------------

TEST_CASE("One-byte sequences decode to U+0000..U+007F") {
  CHECK(decoded({0x00, 0x41, 0x7F}) == U{0x00, 0x41, 0x7F});
}

TEST_CASE("Two-byte sequences C2..DF 80..BF decode to U+0080..U+07FF") {
  CHECK(decoded({0xC2, 0x80}) == U{0x80});
  CHECK(decoded({0xDF, 0xBF}) == U{0x7FF});
}

TEST_CASE("E0 A0..BF 80..BF decodes to U+0800..U+0FFF") {
  CHECK(decoded({0xE0, 0xA0, 0x80}) == U{0x800});
  CHECK(decoded({0xE0, 0xBF, 0xBF}) == U{0xFFF});
}

TEST_CASE("E1..EC 80..BF 80..BF decodes to U+1000..U+CFFF") {
  CHECK(decoded({0xE1, 0x80, 0x80}) == U{0x1000});
  CHECK(decoded({0xEC, 0xBF, 0xBF}) == U{0xCFFF});
}

TEST_CASE("ED 80..9F 80..BF decodes to U+D000..U+D7FF") {
  CHECK(decoded({0xED, 0x80, 0x80}) == U{0xD000});
  CHECK(decoded({0xED, 0x9F, 0xBF}) == U{0xD7FF});
}

TEST_CASE("EE..EF 80..BF 80..BF decodes to U+E000..U+FFFF") {
  CHECK(decoded({0xEE, 0x80, 0x80}) == U{0xE000});
  CHECK(decoded({0xEF, 0xBF, 0xBF}) == U{0xFFFF});
}

TEST_CASE("F0 90..BF 80..BF 80..BF decodes to U+10000..U+3FFFF") {
  CHECK(decoded({0xF0, 0x90, 0x80, 0x80}) == U{0x10000});
  CHECK(decoded({0xF0, 0xBF, 0xBF, 0xBF}) == U{0x3FFFF});
}

TEST_CASE("F1..F3 80..BF 80..BF 80..BF decodes to U+40000..U+FFFFF") {
  CHECK(decoded({0xF1, 0x80, 0x80, 0x80}) == U{0x40000});
  CHECK(decoded({0xF3, 0xBF, 0xBF, 0xBF}) == U{0xFFFFF});
}

TEST_CASE("F4 80..8F 80..BF 80..BF decodes to U+100000..U+10FFFF") {
  CHECK(decoded({0xF4, 0x80, 0x80, 0x80}) == U{0x100000});
  CHECK(decoded({0xF4, 0x8F, 0xBF, 0xBF}) == U{0x10FFFF});
}

// --- Just outside Table 3-7 -------------------------------------------------------------------

TEST_CASE("C0 and C1 lead bytes (overlong two-byte forms) are each replaced") {
  CHECK(decoded({0xC0, 0x80}) == U{R, R});
  CHECK(decoded({0xC1, 0xBF}) == U{R, R});
}

TEST_CASE("Overlong three-byte form E0 80..9F is replaced per byte") {
  CHECK(decoded({0xE0, 0x9F, 0xBF}) == U{R, R, R});
  CHECK(decoded({0xE0, 0x80, 0x80}) == U{R, R, R});
}

TEST_CASE("Overlong four-byte form F0 80..8F is replaced per byte") {
  CHECK(decoded({0xF0, 0x8F, 0xBF, 0xBF}) == U{R, R, R, R});
}

TEST_CASE("Surrogates ED A0..BF are replaced per byte") {
  CHECK(decoded({0xED, 0xA0, 0x80}) == U{R, R, R});  // U+D800
  CHECK(decoded({0xED, 0xBF, 0xBF}) == U{R, R, R});  // U+DFFF
}

TEST_CASE("Code points above U+10FFFF are replaced per byte") {
  CHECK(decoded({0xF4, 0x90, 0x80, 0x80}) == U{R, R, R, R});  // U+110000
  CHECK(decoded({0xF5, 0x80, 0x80, 0x80}) == U{R, R, R, R});
  CHECK(decoded({0xF7, 0xBF, 0xBF, 0xBF}) == U{R, R, R, R});
}

TEST_CASE("Bytes F8..FF never start a sequence") {
  for (u8 b = 0xF8; b != 0; ++b) {
    CAPTURE(b);
    CHECK(decoded({b, 0x41}) == U{R, 0x41});
  }
}

TEST_CASE("A lone continuation byte is replaced") {
  CHECK(decoded({0x80}) == U{R});
  CHECK(decoded({0xBF, 0x41}) == U{R, 0x41});
  CHECK(decoded({0x41, 0x80, 0x80}) == U{0x41, R, R});
}

// --- Truncated sequences ----------------------------------------------------------------------

TEST_CASE("A sequence cut off by the end of input becomes one U+FFFD") {
  CHECK(decoded({0xC2}) == U{R});
  CHECK(decoded({0xE2, 0x82}) == U{R});
  CHECK(decoded({0xF0, 0x9F, 0x98}) == U{R});
}

TEST_CASE("A sequence interrupted by ASCII becomes one U+FFFD before the ASCII") {
  CHECK(decoded({0xE2, 0x82, 0x41}) == U{R, 0x41});
  CHECK(decoded({0xF0, 0x9F, 0x98, 0x41}) == U{R, 0x41});
}

TEST_CASE("A sequence interrupted by another sequence's lead byte keeps the new sequence") {
  CHECK(decoded({0xE2, 0x82, 0xE2, 0x82, 0xAC}) == U{R, 0x20AC});
  CHECK(decoded({0xF0, 0xC3, 0xA9}) == U{R, 0xE9});
}

// --- Unicode §3.9 worked examples -------------------------------------------------------------

TEST_CASE("Unicode section 3.9 example: U+FFFD for a mix of ill-formed sequences") {
  CHECK(decoded({0x61, 0xF1, 0x80, 0x80, 0xE1, 0x80, 0xC2, 0x62, 0x80, 0x63, 0x80, 0xBF, 0x64}) ==
        U{0x61, R, R, R, 0x62, R, 0x63, R, R, 0x64});
}

TEST_CASE("Unicode section 3.9 example: U+FFFD for non-shortest form sequences") {
  CHECK(decoded({0xC0, 0xAF, 0xE0, 0x80, 0xBF, 0xF0, 0x81, 0x82, 0x41}) ==
        U{R, R, R, R, R, R, R, R, 0x41});
}

TEST_CASE("Unicode section 3.9 example: U+FFFD for ill-formed sequences for surrogates") {
  CHECK(decoded({0xED, 0xA0, 0x80, 0xED, 0xBF, 0xBF, 0xED, 0xAF, 0x41}) ==
        U{R, R, R, R, R, R, R, R, 0x41});
}

TEST_CASE("Unicode section 3.9 example: U+FFFD for other ill-formed sequences") {
  CHECK(decoded({0xF4, 0x91, 0x92, 0x93, 0xFF, 0x41, 0x80, 0xBF, 0x42}) ==
        U{R, R, R, R, R, 0x41, R, R, 0x42});
}

TEST_CASE("Unicode section 3.9 example: U+FFFD for truncated sequences") {
  CHECK(decoded({0xE1, 0x80, 0xE2, 0xF0, 0x91, 0x92, 0xF1, 0xBF, 0x41}) == U{R, R, R, R, 0x41});
}

// --- The streaming interface ------------------------------------------------------------------

TEST_CASE("Decoder reports a pending sequence until it completes") {
  libk::Utf8Decoder d;
  char32_t out[2];
  CHECK_FALSE(d.pending());
  CHECK(d.feed(0xE2, out) == 0);
  CHECK(d.pending());
  CHECK(d.feed(0x82, out) == 0);
  CHECK(d.pending());
  REQUIRE(d.feed(0xAC, out) == 1);
  CHECK(out[0] == 0x20AC);
  CHECK_FALSE(d.pending());
  CHECK(d.flush(out) == 0);
}

TEST_CASE("One byte can end an ill-formed sequence and produce a code point") {
  libk::Utf8Decoder d;
  char32_t out[2];
  CHECK(d.feed(0xC3, out) == 0);
  REQUIRE(d.feed('x', out) == 2);
  CHECK(out[0] == R);
  CHECK(out[1] == U'x');
}

TEST_CASE("flush replaces a truncated sequence and resets the decoder") {
  libk::Utf8Decoder d;
  char32_t out[2];
  d.feed(0xF0, out);
  d.feed(0x9F, out);
  REQUIRE(d.flush(out) == 1);
  CHECK(out[0] == R);
  CHECK_FALSE(d.pending());
  REQUIRE(d.feed('a', out) == 1);
  CHECK(out[0] == U'a');
}

TEST_CASE("Decoder recovers after an invalid second byte for a restricted lead") {
  libk::Utf8Decoder d;
  char32_t out[2];
  d.feed(0xE0, out);
  REQUIRE(d.feed(0x80, out) == 2);  // E0 needs A0..BF: both bytes are ill-formed
  CHECK(out[0] == R);
  CHECK(out[1] == R);
  // The range restriction of E0 must not leak into the next sequence.
  CHECK(d.feed(0xE1, out) == 0);
  CHECK(d.feed(0x80, out) == 0);
  REQUIRE(d.feed(0x80, out) == 1);
  CHECK(out[0] == 0x1000);
}

TEST_CASE("The decoder says why it replaced a sequence") {
  struct Case {
    std::vector<u8> bytes;
    libk::Utf8Error why;
  };
  using E = libk::Utf8Error;
  for (const Case& c :
       {Case{{0x41}, E::None}, Case{{0xEF, 0xBF, 0xBD}, E::None},  // U+FFFD
        Case{{0x80}, E::IllFormed}, Case{{0xC0}, E::IllFormed}, Case{{0xF5}, E::IllFormed},
        Case{{0xC3, 0x41}, E::IllFormed}, Case{{0xE0, 0x9F}, E::IllFormed},  // overlong
        Case{{0xF0, 0x8F}, E::IllFormed},                                    // overlong
        Case{{0xED, 0xA0}, E::Surrogate}, Case{{0xED, 0xBF}, E::Surrogate},
        Case{{0xF4, 0x90}, E::TooLarge}, Case{{0xF4, 0xBF}, E::TooLarge},
        Case{{0xED, 0xC0}, E::IllFormed}, Case{{0xF4, 0x41}, E::IllFormed}}) {
    CAPTURE(c.bytes);
    libk::Utf8Decoder d;
    char32_t out[2];
    usize produced = 0;
    for (u8 b : c.bytes) produced = d.feed(b, out);
    REQUIRE(produced >= 1);
    CHECK(d.last_error() == c.why);
    CHECK((out[0] == R) == (c.why != E::None || c.bytes.size() == 3));
  }
}

TEST_CASE("flush reports a truncated sequence, and the next code point clears the error") {
  libk::Utf8Decoder d;
  char32_t out[2];
  d.feed(0xE2, out);
  REQUIRE(d.flush(out) == 1);
  CHECK(d.last_error() == libk::Utf8Error::Truncated);
  REQUIRE(d.feed('a', out) == 1);
  CHECK(d.last_error() == libk::Utf8Error::None);
}

// --- Encoding ---------------------------------------------------------------------------------

TEST_CASE("encode_utf8 uses the shortest form at every length boundary") {
  struct Case {
    char32_t cp;
    std::string bytes;
  };
  for (const Case& c :
       {Case{0x0, std::string(1, '\0')}, Case{0x7F, "\x7F"}, Case{0x80, "\xC2\x80"},
        Case{0x7FF, "\xDF\xBF"}, Case{0x800, "\xE0\xA0\x80"}, Case{0xFFFF, "\xEF\xBF\xBF"},
        Case{0x10000, "\xF0\x90\x80\x80"}, Case{0x10FFFF, "\xF4\x8F\xBF\xBF"}}) {
    CAPTURE(u32(c.cp));
    char out[4];
    usize n = libk::encode_utf8(c.cp, out);
    CHECK(std::string(out, n) == c.bytes);
  }
}

TEST_CASE("encode_utf8 replaces surrogates and values above U+10FFFF with U+FFFD") {
  for (char32_t cp :
       {char32_t(0xD800), char32_t(0xDFFF), char32_t(0x110000), char32_t(0xFFFFFFFF)}) {
    CAPTURE(u32(cp));
    char out[4];
    usize n = libk::encode_utf8(cp, out);
    CHECK(std::string(out, n) == "\xEF\xBF\xBD");
  }
}

TEST_CASE("Every scalar value survives an encode/decode round trip") {
  libk::Utf8Decoder d;
  usize failures = 0;
  for (char32_t cp = 0; cp <= 0x10FFFF; ++cp) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;
    char bytes[4];
    usize n = libk::encode_utf8(cp, bytes);
    usize expected_length = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    char32_t out[2];
    usize produced = 0;
    for (usize i = 0; i < n; ++i) {
      produced = d.feed(u8(bytes[i]), out);
      if (i + 1 < n && produced != 0) break;
    }
    if (n != expected_length || produced != 1 || out[0] != cp || d.pending()) {
      if (++failures <= 5) FAIL_CHECK("code point " << u32(cp) << " did not round-trip");
      d = libk::Utf8Decoder();
    }
  }
  CHECK(failures == 0);
}
