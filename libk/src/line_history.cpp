#include <libk/line_history.hpp>

namespace libk::line {

namespace {

bool blank(StringView text) {
  for (char c : text)
    if (c != ' ' && c != '\t') return false;
  return true;
}

}  // namespace

void LineHistory::add(StringView text) {
  if (blank(text) || (count_ > 0 && get(0) == text)) return;
  usize n = text.size() < kMaxLine ? text.size() : kMaxLine;
  // Do not cut a UTF-8 sequence in half: back up to the start of the last character.
  if (n < text.size())
    while (n > 0 && (u8(text[n]) & 0xC0) == 0x80) --n;
  for (usize i = 0; i < n; ++i) text_[next_][i] = text[i];
  length_[next_] = u16(n);
  next_ = (next_ + 1) % kEntries;
  if (count_ < kEntries) ++count_;
}

StringView LineHistory::get(usize age) const {
  if (age >= count_) return {};
  usize slot = (next_ + kEntries - 1 - age) % kEntries;
  return {text_[slot], length_[slot]};
}

}  // namespace libk::line
