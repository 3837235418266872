#include <libk/line_editor.hpp>

namespace libk::line {

namespace {

constexpr StringView kBell = "\a";
constexpr StringView kEraseToEnd = "\x1b[K";

bool continuation(char c) { return (u8(c) & 0xC0) == 0x80; }
bool space(char c) { return c == ' ' || c == '\t'; }

void move_right(Sink& out, usize columns) {
  if (columns > 0) format_to(out, "\x1b[{}C", columns);
}

// CUF or CUB by `columns` (ECMA-48 §8.3.20, §8.3.18), as text.
StringView cursor_motion(char (&buffer)[16], usize columns, bool right) {
  BufferSink out(buffer, sizeof(buffer));
  format_to(out, "\x1b[{}{}", columns, right ? 'C' : 'D');
  return out.view();
}

}  // namespace

usize visible_width(StringView text) {
  usize width = 0;
  for (usize i = 0; i < text.size(); ++i) {
    if (text[i] == '\x1b' && i + 1 < text.size() && text[i + 1] == '[') {
      i += 2;
      while (i < text.size() && !(text[i] >= 0x40 && text[i] <= 0x7E)) ++i;
      continue;
    }
    if (!continuation(text[i])) ++width;
  }
  return width;
}

LineEditor::LineEditor(LineHistory& history, u32 columns) : history_(history), columns_(0) {
  set_columns(columns);
}

void LineEditor::begin(StringView prompt, Sink& out) {
  prompt_ = prompt;
  prompt_width_ = visible_width(prompt);
  length_ = cursor_ = scroll_ = 0;
  history_at_ = -1;
  refresh_pending_ = false;
  out.write(prompt);
}

// --- Positions ------------------------------------------------------------------------------

usize LineEditor::next_boundary(usize at) const {
  if (at >= length_) return length_;
  ++at;
  while (at < length_ && continuation(buffer_[at])) ++at;
  return at;
}

usize LineEditor::previous_boundary(usize at) const {
  if (at == 0) return 0;
  --at;
  while (at > 0 && continuation(buffer_[at])) --at;
  return at;
}

usize LineEditor::word_left(usize at) const {
  while (at > 0 && space(buffer_[at - 1])) at = previous_boundary(at);
  while (at > 0 && !space(buffer_[at - 1])) at = previous_boundary(at);
  return at;
}

usize LineEditor::word_right(usize at) const {
  while (at < length_ && space(buffer_[at])) at = next_boundary(at);
  while (at < length_ && !space(buffer_[at])) at = next_boundary(at);
  return at;
}

usize LineEditor::codepoints(usize from, usize to) const {
  usize n = 0;
  for (usize i = from; i < to; ++i)
    if (!continuation(buffer_[i])) ++n;
  return n;
}

usize LineEditor::byte_at_codepoint(usize from, usize count) const {
  usize at = from;
  for (usize i = 0; i < count && at < length_; ++i) at = next_boundary(at);
  return at;
}

usize LineEditor::available_columns() const {
  // One column stays free so that the cursor after the last character never makes the
  // terminal wrap.
  usize used = prompt_width_ + 1;
  return columns_ > used + 4 ? columns_ - used : 4;
}

// --- Drawing --------------------------------------------------------------------------------

// Redraws the line, or in a batch notes that it must be redrawn at the end.
void LineEditor::refresh(Sink& out) {
  if (batching_) {
    update_scroll();  // as a redraw would, so later steps see the same view
    refresh_pending_ = true;
    return;
  }
  draw(out);
}

// An incremental update (an echoed character, a cursor motion): pointless when the whole
// line will be drawn anyway.
void LineEditor::emit(Sink& out, StringView text) {
  if (!refresh_pending_) out.write(text);
}

// Before output that does not redraw the line (a new line, a list, a clear): the deferred
// redraw first, so the terminal shows the line as it is.
void LineEditor::flush_refresh(Sink& out) {
  if (refresh_pending_) draw(out);
  refresh_pending_ = false;
}

void LineEditor::end_batch(Sink& out) {
  batching_ = false;
  flush_refresh(out);
}

// Keeps the cursor inside the visible part of the line (moving it as little as possible).
void LineEditor::update_scroll() {
  usize avail = available_columns();
  usize column = codepoints(0, cursor_);
  usize total = codepoints(0, length_);
  if (column < scroll_) scroll_ = column;
  if (column > scroll_ + avail) scroll_ = column - avail;
  usize rightmost = total > avail ? total - avail : 0;  // no blank space after a scrolled line
  if (scroll_ > rightmost) scroll_ = rightmost;
}

void LineEditor::draw(Sink& out) {
  update_scroll();
  usize avail = available_columns();
  usize column = codepoints(0, cursor_);
  usize begin = byte_at_codepoint(0, scroll_);
  usize end = byte_at_codepoint(begin, avail);
  out.write("\r");
  out.write(prompt_);
  out.write(StringView(buffer_ + begin, end - begin));
  out.write(kEraseToEnd);
  out.write("\r");
  move_right(out, prompt_width_ + column - scroll_);
}

void LineEditor::redraw(Sink& out) { refresh(out); }

// --- Editing --------------------------------------------------------------------------------

void LineEditor::insert(u32 codepoint, Sink& out) {
  char bytes[4];
  usize n = encode_utf8(char32_t(codepoint), bytes);
  if (length_ + n > kCapacity) return emit(out, kBell);
  bool at_end = cursor_ == length_;
  for (usize i = length_; i > cursor_; --i) buffer_[i - 1 + n] = buffer_[i - 1];
  for (usize i = 0; i < n; ++i) buffer_[cursor_ + i] = bytes[i];
  length_ += n;
  cursor_ += n;
  // Typing at the end of a line that still fits: the character itself is the whole update.
  if (at_end && codepoints(0, cursor_) - scroll_ <= available_columns())
    return emit(out, StringView(bytes, n));
  refresh(out);
}

void LineEditor::erase(usize from, usize to, Sink& out) {
  if (from >= to) return;
  bool last_char_at_end = to == length_ && cursor_ == length_ && next_boundary(from) == to;
  for (usize i = to; i < length_; ++i) buffer_[from + (i - to)] = buffer_[i];
  length_ -= to - from;
  cursor_ = from;
  if (last_char_at_end && scroll_ == 0) return emit(out, "\b \b");
  refresh(out);
}

void LineEditor::move_to(usize position, Sink& out) {
  if (position == cursor_) return;
  usize old_column = codepoints(0, cursor_);
  usize old_scroll = scroll_;
  cursor_ = position;
  usize column = codepoints(0, cursor_);
  usize avail = available_columns();
  if (column < old_scroll || column > old_scroll + avail) return refresh(out);
  scroll_ = old_scroll;
  char buffer[16];
  bool right = column > old_column;
  emit(out, cursor_motion(buffer, right ? column - old_column : old_column - column, right));
}

void LineEditor::replace_line(StringView text, Sink& out) {
  usize n = text.size() < kCapacity ? text.size() : kCapacity;
  while (n < text.size() && n > 0 && continuation(text[n])) --n;
  for (usize i = 0; i < n; ++i) buffer_[i] = text[i];
  length_ = cursor_ = n;
  scroll_ = 0;
  refresh(out);
}

void LineEditor::history_step(bool older, Sink& out) {
  if (older) {
    if (usize(history_at_ + 1) >= history_.size()) return out.write(kBell);
    if (history_at_ == -1) {
      for (usize i = 0; i < length_; ++i) saved_[i] = buffer_[i];
      saved_length_ = length_;
    }
    ++history_at_;
    return replace_line(history_.get(usize(history_at_)), out);
  }
  if (history_at_ == -1) return out.write(kBell);
  --history_at_;
  replace_line(
      history_at_ == -1 ? StringView(saved_, saved_length_) : history_.get(usize(history_at_)),
      out);
}

LineEditor::Outcome LineEditor::submit(Sink& out) {
  if (cursor_ != length_) move_to(length_, out);
  flush_refresh(out);
  out.write("\r\n");
  history_.add(line());
  history_at_ = -1;
  return Outcome::Submitted;
}

// --- Completion -----------------------------------------------------------------------------

void LineEditor::list_candidates(const Completer::Candidates& candidates, Sink& out) {
  flush_refresh(out);
  out.write("\r\n");
  usize column = 0;
  for (StringView c : candidates) {
    usize width = visible_width(c) + 2;
    if (column > 0 && column + width > columns_) {
      out.write("\r\n");
      column = 0;
    }
    format_to(out, "{}  ", c);
    column += width;
  }
  out.write("\r\n");
  refresh(out);
}

void LineEditor::complete(Sink& out) {
  if (!completer_) return out.write(kBell);
  usize start = cursor_;
  while (start > 0 && !space(buffer_[start - 1])) --start;
  StringView word(buffer_ + start, cursor_ - start);
  Completer::Candidates candidates;
  completer_->complete(StringView(buffer_, start), word, candidates);
  if (candidates.empty()) return out.write(kBell);
  // The longest prefix all candidates share.
  StringView common = candidates[0];
  for (StringView c : candidates) {
    usize n = 0;
    while (n < common.size() && n < c.size() && common[n] == c[n]) ++n;
    common = common.substr(0, n);
  }
  if (common.size() < word.size() || !common.starts_with(word)) return out.write(kBell);
  StringView extra = common.substr(word.size());
  decode_utf8(extra, [&](char32_t cp) { insert(u32(cp), out); });
  bool sole = candidates.size() == 1;
  if (sole && (cursor_ == length_ || !space(buffer_[cursor_]))) insert(' ', out);
  if (!sole && extra.empty()) list_candidates(candidates, out);
}

// --- Dispatch -------------------------------------------------------------------------------

LineEditor::Outcome LineEditor::handle(const EditInput& in, Sink& out) {
  switch (in.key) {
    case EditKey::Insert: insert(in.codepoint, out); break;
    case EditKey::Enter: return submit(out);
    case EditKey::Backspace:
      if (cursor_ == 0)
        out.write(kBell);
      else
        erase(previous_boundary(cursor_), cursor_, out);
      break;
    case EditKey::Delete:
      if (cursor_ == length_)
        out.write(kBell);
      else
        erase(cursor_, next_boundary(cursor_), out);
      break;
    case EditKey::Left: move_to(previous_boundary(cursor_), out); break;
    case EditKey::Right: move_to(next_boundary(cursor_), out); break;
    case EditKey::WordLeft: move_to(word_left(cursor_), out); break;
    case EditKey::WordRight: move_to(word_right(cursor_), out); break;
    case EditKey::Home: move_to(0, out); break;
    case EditKey::End: move_to(length_, out); break;
    case EditKey::Up: history_step(true, out); break;
    case EditKey::Down: history_step(false, out); break;
    case EditKey::KillToStart: erase(0, cursor_, out); break;
    case EditKey::KillToEnd: erase(cursor_, length_, out); break;
    case EditKey::KillWordBefore: erase(word_left(cursor_), cursor_, out); break;
    case EditKey::Cancel:
      flush_refresh(out);
      out.write("^C\r\n");
      history_at_ = -1;
      return Outcome::Cancelled;
    case EditKey::ClearScreen:
      refresh_pending_ = false;  // everything is drawn again below
      out.write("\x1b[H\x1b[2J");
      refresh(out);
      break;
    case EditKey::Complete: complete(out); break;
    case EditKey::CursorReport: break;  // for whoever asked, not for the line
  }
  return Outcome::Editing;
}

}  // namespace libk::line
