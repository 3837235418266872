// A streaming UTF-8 decoder (RFC 3629 / Unicode 15 §3.9, Table 3-7). Invalid input never
// fails: each maximal ill-formed subpart becomes one U+FFFD, as the Unicode standard
// recommends, so a terminal fed random bytes always makes progress.
#pragma once

#include <libk/string_view.hpp>
#include <libk/types.hpp>

namespace libk {

inline constexpr char32_t kReplacementCharacter = 0xFFFD;

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

 private:
  usize start(u8 byte, char32_t* out);

  char32_t code_point_ = 0;
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
