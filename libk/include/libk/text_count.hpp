// Counting text that arrives in pieces (a pipe hands a program whatever was written, cut
// anywhere): wc's lines, words and bytes, and head's "the first N lines". Pure logic,
// header-only so that user programs (user/programs/wc.cpp, head.cpp) use it without linking
// libk; host-tested in tests/host/text_count_test.cpp.
#pragma once

#include <libk/span.hpp>

namespace libk {

struct TextCounts {
  u64 lines = 0;  // newline characters (POSIX wc: a last line without one is not counted)
  u64 words = 0;  // maximal runs of non-white-space bytes
  u64 bytes = 0;
};

// wc in the POSIX locale: white space is space, \t, \n, \v, \f and \r. A word cut between two
// pieces counts once.
class TextCounter {
 public:
  void feed(Span<const u8> piece) {
    counts_.bytes += piece.size();
    for (u8 c : piece) {
      counts_.lines += c == '\n';
      bool space = c == ' ' || (c >= '\t' && c <= '\r');
      counts_.words += !space && !in_word_;
      in_word_ = !space;
    }
  }
  const TextCounts& counts() const { return counts_; }

 private:
  TextCounts counts_;
  bool in_word_ = false;
};

// head -n N: how much of each piece to pass on. Done once N newlines went through.
class LineLimit {
 public:
  explicit constexpr LineLimit(u64 lines) : left_(lines) {}
  // The bytes of `piece` to pass on: all of it, or up to and including the Nth newline.
  usize take(Span<const u8> piece) {
    for (usize i = 0; i < piece.size(); ++i) {
      if (left_ == 0) return i;
      if (piece[i] == '\n') --left_;
    }
    return piece.size();
  }
  bool done() const { return left_ == 0; }

 private:
  u64 left_;
};

}  // namespace libk
