// A single-line editor for a terminal: the state machine behind the shell's prompt.
// It takes edit inputs (libk/line_input.hpp, from the keyboard or a serial terminal) and
// writes to a Sink the terminal output that shows the result (VT100: CR, CUF "ESC [ n C",
// EL "ESC [ K", ED "ESC [ 2 J"), so the same bytes work on the framebuffer console and on a
// serial terminal.
//
// Display: the prompt, then the line. A line wider than the space left by the prompt scrolls
// horizontally, so the editor never relies on the terminal wrapping (whose cursor motions
// differ between terminals); `columns` is the narrowest terminal the output goes to. Each
// code point counts as one column.
//
// Bursts (a paste): between begin_batch() and end_batch() the editor applies every input
// but draws the line at most once, at the end; until something needs a redraw, typing at
// the end of the line is still echoed character by character, so a paste costs its own
// bytes plus one redraw, not a redraw per key.
//
// The buffer holds UTF-8; the cursor moves by code points. Pure logic: no allocation, no
// globals; host-tested (tests/host/line_editor_test.cpp).
#pragma once

#include <libk/fixed_vector.hpp>
#include <libk/format.hpp>
#include <libk/line_history.hpp>
#include <libk/line_input.hpp>

namespace libk::line {

// Words that complete what is typed at the cursor (Tab).
class Completer {
 public:
  static constexpr usize kMaxCandidates = 32;
  using Candidates = FixedVector<StringView, kMaxCandidates>;
  // `before` is the line up to the start of the word being completed, `word` the part of
  // it typed so far. Adds every candidate that starts with `word`.
  virtual void complete(StringView before, StringView word, Candidates& out) = 0;

 protected:
  ~Completer() = default;
};

// Columns the text takes on a terminal: code points, not counting CSI escape sequences.
usize visible_width(StringView text);

class LineEditor {
 public:
  static constexpr usize kCapacity = LineHistory::kMaxLine - 1;  // bytes of UTF-8
  static constexpr u32 kMinColumns = 20;

  enum class Outcome : u8 { Editing, Submitted, Cancelled };

  LineEditor(LineHistory& history, u32 columns);

  void set_completer(Completer* completer) { completer_ = completer; }
  void set_columns(u32 columns) { columns_ = columns < kMinColumns ? kMinColumns : columns; }

  // Starts a new, empty line: writes `prompt` (which may contain SGR colours; it must stay
  // valid until the next begin()).
  void begin(StringView prompt, Sink& out);

  // Applies one input. After Submitted the line is line() (and in the history); after
  // Cancelled it was abandoned. Either way call begin() for the next one.
  Outcome handle(const EditInput& input, Sink& out);

  // Draws the prompt and the line again on the current terminal row (after something else
  // was written over it, e.g. a log message).
  void redraw(Sink& out);

  // Defers redrawing until end_batch(), which draws what the inputs in between changed.
  void begin_batch() { batching_ = true; }
  void end_batch(Sink& out);
  bool redraw_pending() const { return refresh_pending_; }

  StringView line() const { return {buffer_, length_}; }
  usize cursor() const { return cursor_; }  // byte offset into line()

 private:
  Outcome submit(Sink& out);
  void insert(u32 codepoint, Sink& out);
  void erase(usize from, usize to, Sink& out);  // byte range
  void move_to(usize position, Sink& out);
  void replace_line(StringView text, Sink& out);
  void history_step(bool older, Sink& out);
  void complete(Sink& out);
  void list_candidates(const Completer::Candidates& candidates, Sink& out);

  usize next_boundary(usize at) const;
  usize previous_boundary(usize at) const;
  usize word_left(usize at) const;
  usize word_right(usize at) const;
  usize codepoints(usize from, usize to) const;
  usize byte_at_codepoint(usize from, usize count) const;
  usize available_columns() const;
  void refresh(Sink& out);
  void draw(Sink& out);
  void update_scroll();
  void emit(Sink& out, StringView text);
  void flush_refresh(Sink& out);

  LineHistory& history_;
  Completer* completer_ = nullptr;
  u32 columns_;
  StringView prompt_;
  usize prompt_width_ = 0;
  char buffer_[kCapacity] = {};
  usize length_ = 0;
  usize cursor_ = 0;
  usize scroll_ = 0;            // code points hidden left of the visible part
  isize history_at_ = -1;       // entry being shown, -1: the line being typed
  char saved_[kCapacity] = {};  // the line being typed, while browsing the history
  usize saved_length_ = 0;
  bool batching_ = false;
  bool refresh_pending_ = false;  // in a batch: the line is drawn at its end
};

}  // namespace libk::line
