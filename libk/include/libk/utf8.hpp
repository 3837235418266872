// A streaming UTF-8 decoder (RFC 3629 / Unicode 15 §3.9, Table 3-7). Invalid input never
// fails: each maximal ill-formed subpart becomes one U+FFFD, as the Unicode standard
// recommends, so a terminal fed random bytes always makes progress.
#pragma once

#include <libk/string_view.hpp>
#include <libk/types.hpp>

namespace libk {

inline constexpr char32_t kReplacementCharacter = 0xFFFD;

// Why the decoder replaced a sequence, for callers that must reject ill-formed input instead
// (a font's Unicode table). Table 3-7 makes surrogates and values above U+10FFFF ill-formed
// byte sequences; they are told apart because they are well-formed in shape.
enum class Utf8Error : u8 {
  None,       // a real code point (U+FFFD included, when the input spelled it)
  IllFormed,  // a byte that cannot start or continue a sequence here (overlong forms too)
  Surrogate,  // ED A0..BF: U+D800..U+DFFF
  TooLarge,   // F4 90..BF: above U+10FFFF
  Truncated,  // the stream ended inside a sequence (flush)
};

class Utf8Decoder {
 public:
  // Feeds one byte. Returns the number of code points produced (0, 1 or 2) in out[].
  // Two are produced when a byte both ends an ill-formed sequence and starts a new one
  // that completes at once (e.g. an interrupted sequence followed by ASCII).
  usize feed(u8 byte, char32_t out[2]);

  // True while in the middle of a multi-byte sequence.
  bool pending() const { return needed_ != 0; }

  // Ends the stream: a truncated sequence becomes U+FFFD. Returns 0 or 1 code points.
  usize flush(char32_t out[1]);

  // Right after a feed() or flush() that produced code points: why out[0] is U+FFFD, or
  // None if the input spelled it.
  Utf8Error last_error() const { return error_; }

 private:
  usize start(u8 byte, char32_t* out);
  Utf8Error why_rejected(u8 byte) const;

  char32_t code_point_ = 0;
  Utf8Error error_ = Utf8Error::None;
  u8 needed_ = 0;
  u8 lower_ = 0x80;  // allowed range for the next continuation byte
  u8 upper_ = 0xBF;
};

// Decodes a whole string, calling emit(char32_t) for each code point.
template <typename F>
void decode_utf8(StringView text, F&& emit) {
  Utf8Decoder d;
  char32_t out[2];
  for (char c : text) {
    usize n = d.feed(u8(c), out);
    for (usize i = 0; i < n; ++i) emit(out[i]);
  }
  if (d.flush(out)) emit(out[0]);
}

// Encodes a code point as UTF-8 into out (at least 4 bytes). Returns the length.
usize encode_utf8(char32_t cp, char* out);

}  // namespace libk
