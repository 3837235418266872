#include <libk/utf8.hpp>

namespace libk {

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
    if (b == 0xED) upper_ = 0x9F;  // no surrogates
  } else if (b >= 0xF0 && b <= 0xF4) {
    needed_ = 3, code_point_ = b & 0x07;
    if (b == 0xF0) lower_ = 0x90;  // no overlongs
    if (b == 0xF4) upper_ = 0x8F;  // nothing above U+10FFFF
  } else {
    out[0] = kReplacementCharacter;  // C0, C1, F5..FF, or a stray continuation byte
    return 1;
  }
  return 0;
}

usize Utf8Decoder::feed(u8 b, char32_t out[2]) {
  if (needed_ == 0) return start(b, out);
  if (b < lower_ || b > upper_) {
    // The sequence so far is ill-formed: replace it, then reprocess this byte.
    needed_ = 0;
    out[0] = kReplacementCharacter;
    return 1 + start(b, out + 1);
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
  if (needed_ == 0) return 0;
  needed_ = 0;
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
