#include <libk/assert.hpp>
#include <libk/tty_input.hpp>
#include <libk/utf8.hpp>

namespace libk::tty {

usize InputQueue::push(StringView text, bool end_of_file) {
  usize n = 0;
  for (char c : text) {
    if (written_ - taken_ == kBytes) break;  // full: the rest is dropped
    bytes_[written_++ % kBytes] = u8(c);
    ++n;
  }
  if (end_of_file && eof_count_ < kMaxEofs) eofs_[eof_count_++] = written_;
  return n;
}

Optional<usize> InputQueue::take(Span<u8> out, Mode mode) {
  if (eof_at_front()) {
    for (usize i = 1; i < eof_count_; ++i) eofs_[i - 1] = eofs_[i];
    --eof_count_;
    return usize(0);
  }
  if (written_ == taken_) return {};
  usize n = 0;
  while (n < out.size() && taken_ < written_ && !eof_at_front()) {
    u8 c = bytes_[taken_++ % kBytes];
    out[n++] = c;
    if (c == '\n' && mode == Mode::Canonical) break;
  }
  DEBUG_ASSERT(written_ - taken_ <= kBytes);
  return n;
}

void InputQueue::clear() {
  taken_ = written_;
  eof_count_ = 0;
}

namespace {

usize copy(StringView s, char (&out)[kMaxRawBytes]) {
  VERIFY(s.size() <= kMaxRawBytes);
  for (usize i = 0; i < s.size(); ++i) out[i] = s[i];
  return s.size();
}

usize put_decimal(u32 value, char* out) {
  char digits[10];
  usize d = 0;
  do digits[d++] = char('0' + value % 10);
  while ((value /= 10) != 0);
  for (usize i = 0; i < d; ++i) out[i] = digits[d - 1 - i];
  return d;
}

// ESC [ row ; column R (ECMA-48 §8.3.14, CPR), passed on as the terminal sent it: at most
// 2 + 5 + 1 + 5 + 1 bytes for u16 values.
usize cursor_report(const line::EditInput& in, char (&out)[kMaxRawBytes]) {
  usize n = copy("\x1b[", out);
  n += put_decimal(in.row, out + n);
  out[n++] = ';';
  n += put_decimal(in.column, out + n);
  out[n++] = 'R';
  return n;
}

}  // namespace

usize raw_bytes(const line::EditInput& in, char (&out)[kMaxRawBytes]) {
  using line::EditKey;
  switch (in.key) {
    case EditKey::Insert: return encode_utf8(char32_t(in.codepoint), out);
    case EditKey::Enter: return copy("\r", out);
    case EditKey::Backspace: return copy("\x7f", out);
    case EditKey::Delete: return copy("\x04", out);
    case EditKey::Left: return copy("\x1b[D", out);
    case EditKey::Right: return copy("\x1b[C", out);
    case EditKey::Up: return copy("\x1b[A", out);
    case EditKey::Down: return copy("\x1b[B", out);
    case EditKey::WordLeft: return copy("\x1b[1;5D", out);
    case EditKey::WordRight: return copy("\x1b[1;5C", out);
    case EditKey::Home: return copy("\x1b[H", out);
    case EditKey::End: return copy("\x1b[F", out);
    case EditKey::KillToStart: return copy("\x15", out);
    case EditKey::KillToEnd: return copy("\x0b", out);
    case EditKey::KillWordBefore: return copy("\x17", out);
    case EditKey::Cancel: return copy("\x03", out);
    case EditKey::ClearScreen: return copy("\x0c", out);
    case EditKey::Complete: return copy("\t", out);
    case EditKey::CursorReport: return cursor_report(in, out);
  }
  return 0;
}

}  // namespace libk::tty
