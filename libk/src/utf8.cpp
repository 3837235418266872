#include <libk/utf8.hpp>

namespace libk {

namespace {

// Table 3-7's upper bounds for the byte after ED (no surrogates) and after F4 (nothing
// above U+10FFFF).
constexpr u8 kBelowSurrogates = 0x9F;
constexpr u8 kBelowTooLarge = 0x8F;

}  // namespace

usize Utf8Decoder::start(u8 b, char32_t* out) {
  lower_ = 0x80;
  upper_ = 0xBF;
  if (b < 0x80) {
    out[0] = b;
    return 1;
  }
  if (b >= 0xC2 && b <= 0xDF) {
    needed_ = 1, code_point_ = b & 0x1F;
  } else if (b >= 0xE0 && b <= 0xEF) {
    needed_ = 2, code_point_ = b & 0x0F;
    if (b == 0xE0) lower_ = 0xA0;  // no overlongs
    if (b == 0xED) upper_ = kBelowSurrogates;
  } else if (b >= 0xF0 && b <= 0xF4) {
    needed_ = 3, code_point_ = b & 0x07;
    if (b == 0xF0) lower_ = 0x90;  // no overlongs
    if (b == 0xF4) upper_ = kBelowTooLarge;
  } else {
    error_ = Utf8Error::IllFormed;  // C0, C1, F5..FF, or a stray continuation byte
    out[0] = kReplacementCharacter;
    return 1;
  }
  return 0;
}

// `b` came in the middle of a sequence and lies outside [lower_, upper_].
Utf8Error Utf8Decoder::why_rejected(u8 b) const {
  bool continuation = b >= 0x80 && b <= 0xBF;
  if (continuation && b > upper_ && upper_ == kBelowSurrogates) return Utf8Error::Surrogate;
  if (continuation && b > upper_ && upper_ == kBelowTooLarge) return Utf8Error::TooLarge;
  return Utf8Error::IllFormed;  // not a continuation byte, or an overlong form (E0, F0)
}

usize Utf8Decoder::feed(u8 b, char32_t out[2]) {
  error_ = Utf8Error::None;
  if (needed_ == 0) return start(b, out);
  if (b < lower_ || b > upper_) {
    // The sequence so far is ill-formed: replace it, then reprocess this byte (whose own
    // error, if any, concerns out[1]).
    Utf8Error why = why_rejected(b);
    needed_ = 0;
    out[0] = kReplacementCharacter;
    usize n = 1 + start(b, out + 1);
    error_ = why;
    return n;
  }
  lower_ = 0x80;
  upper_ = 0xBF;
  code_point_ = (code_point_ << 6) | (b & 0x3F);
  if (--needed_ == 0) {
    out[0] = code_point_;
    return 1;
  }
  return 0;
}

usize Utf8Decoder::flush(char32_t out[1]) {
  error_ = Utf8Error::None;
  if (needed_ == 0) return 0;
  needed_ = 0;
  error_ = Utf8Error::Truncated;
  out[0] = kReplacementCharacter;
  return 1;
}

usize encode_utf8(char32_t cp, char* out) {
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = kReplacementCharacter;
  if (cp < 0x80) {
    out[0] = char(cp);
    return 1;
  }
  if (cp < 0x800) {
    out[0] = char(0xC0 | (cp >> 6));
    out[1] = char(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = char(0xE0 | (cp >> 12));
    out[1] = char(0x80 | ((cp >> 6) & 0x3F));
    out[2] = char(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = char(0xF0 | (cp >> 18));
  out[1] = char(0x80 | ((cp >> 12) & 0x3F));
  out[2] = char(0x80 | ((cp >> 6) & 0x3F));
  out[3] = char(0x80 | (cp & 0x3F));
  return 4;
}

}  // namespace libk
