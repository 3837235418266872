// CSI sequences (ECMA-48 §8.3; xterm ctlseqs "Functions using CSI"): cursor movement,
// erasing and editing, margins, tab stops, modes and status reports.
#include <libk/terminal.hpp>

namespace libk {

namespace {

constexpr u32 kTabWidth = 8;

i64 clamp(i64 v, i64 lo, i64 hi) { return v < lo ? lo : v > hi ? hi : v; }

}  // namespace

void Terminal::csi_dispatch(const CsiParams& p, u8 private_marker, u8 intermediate, u8 final) {
  mark_valid_ = false;
  bool handled;
  if (private_marker != 0 || intermediate != 0)
    handled = csi_private(p, private_marker, intermediate, final);
  else
    handled = csi_cursor(p, final) || csi_edit(p, final);
  if (!handled) ++unsupported_;
}

bool Terminal::csi_cursor(const CsiParams& p, u8 final) {
  i64 x = x_, y = y_, n = p.get_or(0, 1);
  switch (final) {
    case 'A': move_vertically(-n); return true;          // CUU
    case 'B': move_vertically(n); return true;           // CUD
    case 'e': move_to(x, y + n); return true;            // VPR: not stopped by the margins
    case 'C':                                            // CUF
    case 'a': move_to(x + n, y); return true;            // HPR
    case 'D': move_to(x - n, y); return true;            // CUB
    case 'E': move_vertically(n), x_ = 0; return true;   // CNL
    case 'F': move_vertically(-n), x_ = 0; return true;  // CPL
    case 'G':                                            // CHA
    case '`': move_to(n - 1, y); return true;            // HPA
    case 'd':                                            // VPA
      move_to_origin_relative(x, n - 1);
      return true;
    case 'H':  // CUP
    case 'f':  // HVP
      move_to_origin_relative(i64(p.get_or(1, 1)) - 1, n - 1);
      return true;
    case 'I': tab_forward(u32(n)); return true;   // CHT
    case 'Z': tab_backward(u32(n)); return true;  // CBT
    default: return false;
  }
}

bool Terminal::csi_edit(const CsiParams& p, u8 final) {
  u32 n = p.get_or(0, 1);
  switch (final) {
    case 'J': erase_display(p.raw(0)); return true;
    case 'K': erase_line(p.raw(0)); return true;
    case 'X':  // ECH
      wrap_pending_ = false;
      erase_cells(y_, x_, n < columns() - x_ ? x_ + n : columns());
      return true;
    case 'L': insert_lines(n); return true;
    case 'M': delete_lines(n); return true;
    case '@': insert_characters(n); return true;
    case 'P': delete_characters(n); return true;
    case 'b': repeat_last(n); return true;
    case 'S': scroll_up(n); return true;
    case 'T':
      if (p.count > 1) return false;  // 5 parameters: mouse highlight tracking
      scroll_down(n);
      return true;
    case 'r': set_margins(p); return true;
    case 'g': clear_tabs(p.raw(0)); return true;
    case 'm': select_graphic_rendition(p); return true;
    case 'h': set_mode(p, false, true); return true;
    case 'l': set_mode(p, false, false); return true;
    case 's':
      if (p.count != 0) return false;  // with parameters: DECSLRM (no left/right margins)
      save_cursor();
      return true;
    case 'u': restore_cursor(); return true;
    case 'n': status_report(p.raw(0), false); return true;
    case 'c':
      if (p.raw(0) != 0) return false;
      reply("\x1b[?62;22c");  // DA: a VT220 with ANSI colour, as xterm reports itself
      return true;
    default: return false;
  }
}

bool Terminal::csi_private(const CsiParams& p, u8 marker, u8 intermediate, u8 final) {
  if (marker == 0 && intermediate == ' ' && final == 'q') {  // DECSCUSR
    u32 style = p.raw(0);
    cursor_style_ = style <= 2   ? CursorStyle::Block
                    : style <= 4 ? CursorStyle::Underline
                                 : CursorStyle::Bar;
    return true;
  }
  if (intermediate != 0) return false;
  if (marker == '?') {
    switch (final) {
      case 'h': set_mode(p, true, true); return true;
      case 'l': set_mode(p, true, false); return true;
      case 'J': erase_display(p.raw(0)); return true;  // DECSED: no protected cells here
      case 'K': erase_line(p.raw(0)); return true;     // DECSEL
      case 'n': status_report(p.raw(0), true); return true;
      default: return false;
    }
  }
  if (marker == '>' && final == 'c' && p.raw(0) == 0) {
    reply("\x1b[>1;10;0c");  // secondary DA: a VT220, firmware version 10
    return true;
  }
  return false;
}

// --- Cursor --------------------------------------------------------------------------------

void Terminal::move_to(i64 x, i64 y) {
  x_ = u32(clamp(x, 0, columns() - 1));
  y_ = u32(clamp(y, 0, rows() - 1));
  wrap_pending_ = false;
}

// CUP, HVP and VPA count rows from the top margin in origin mode (DECOM), and stay inside it.
void Terminal::move_to_origin_relative(i64 x, i64 y) {
  if (origin_mode_) y = clamp(y + top_, top_, bottom_);
  move_to(x, y);
}

// CUU/CUD stop at the margin when the cursor starts inside the region, else at the edge.
void Terminal::move_vertically(i64 dy) {
  i64 y = i64(y_) + dy;
  if (dy < 0) y = clamp(y, y_ >= top_ ? top_ : 0, rows() - 1);
  if (dy > 0) y = clamp(y, 0, y_ <= bottom_ ? bottom_ : rows() - 1);
  move_to(x_, y);
}

void Terminal::tab_forward(u32 n) {
  for (u32 i = 0; i < n && x_ + 1 < columns(); ++i) {
    u32 x = x_ + 1;
    while (x + 1 < columns() && !(tabs_[x / 64] >> (x % 64) & 1)) ++x;
    x_ = x;
  }
}

void Terminal::tab_backward(u32 n) {
  wrap_pending_ = false;
  for (u32 i = 0; i < n && x_ > 0; ++i) {
    u32 x = x_ - 1;
    while (x > 0 && !(tabs_[x / 64] >> (x % 64) & 1)) --x;
    x_ = x;
  }
}

void Terminal::clear_tabs(u32 mode) {
  if (mode == 0)
    tabs_[x_ / 64] &= ~(u64(1) << (x_ % 64));
  else if (mode == 3)
    for (u64& w : tabs_) w = 0;
}

void Terminal::reset_tabs() {
  for (u64& w : tabs_) w = 0;
  for (u32 x = kTabWidth; x < CellGrid::kMaxColumns; x += kTabWidth)
    tabs_[x / 64] |= u64(1) << (x % 64);
}

// --- Erasing and editing -------------------------------------------------------------------

void Terminal::erase_cells(u32 y, u32 x0, u32 x1) {
  if (x1 > columns()) x1 = columns();
  if (x0 >= x1) return;
  split_wide_at(y, x0, x1);
  grid_->fill(y, x0, x1, blank());
}

void Terminal::erase_display(u32 mode) {
  wrap_pending_ = false;
  if (mode == 0) {
    erase_cells(y_, x_, columns());
    for (u32 y = y_ + 1; y < rows(); ++y) erase_cells(y, 0, columns());
  } else if (mode == 1) {
    for (u32 y = 0; y < y_; ++y) erase_cells(y, 0, columns());
    erase_cells(y_, 0, x_ + 1);
  } else if (mode == 2) {
    for (u32 y = 0; y < rows(); ++y) erase_cells(y, 0, columns());
  } else if (mode == 3 && scrollback_) {  // xterm: erase the saved lines only
    scrollback_->clear();
    view_offset_ = 0;
  }
}

void Terminal::erase_line(u32 mode) {
  wrap_pending_ = false;
  if (mode == 0)
    erase_cells(y_, x_, columns());
  else if (mode == 1)
    erase_cells(y_, 0, x_ + 1);
  else if (mode == 2)
    erase_cells(y_, 0, columns());
}

// IL/DL return the carriage (xterm, as the VT510 does) and then work inside the scroll
// region only, from the cursor's row.
void Terminal::insert_lines(u32 n) {
  x_ = 0;
  wrap_pending_ = false;
  if (y_ >= top_ && y_ <= bottom_) grid_->scroll_region_down(y_, bottom_, n, blank());
}

void Terminal::delete_lines(u32 n) {
  x_ = 0;
  wrap_pending_ = false;
  if (y_ >= top_ && y_ <= bottom_) grid_->scroll_region_up(y_, bottom_, n, blank());
}

void Terminal::insert_characters(u32 n) {
  wrap_pending_ = false;
  insert_blanks(n);
}

// n blanks at the cursor, the rest of the line pushed right: a wide character cut by the
// cursor, or pushed half over the edge, is blanked whole.
void Terminal::insert_blanks(u32 n) {
  if (grid_->row(y_)[x_].attrs & kAttrWideTail) erase_cells(y_, x_, x_ + 1);  // both halves
  grid_->insert_cells(y_, x_, n, blank());
  if (grid_->row(y_)[columns() - 1].attrs & kAttrWide) erase_cells(y_, columns() - 1, columns());
}

void Terminal::delete_characters(u32 n) {
  wrap_pending_ = false;
  u32 end = n < columns() - x_ ? x_ + n : columns();
  split_wide_at(y_, x_, end);
  grid_->delete_cells(y_, x_, n, blank());
}

// REP repeats the last graphic character printed (ECMA-48 §8.3.103), at most a screenful.
void Terminal::repeat_last(u32 n) {
  if (last_printed_ == 0) return;
  u32 most = columns() * rows();
  for (u32 i = 0; i < n && i < most; ++i) print(last_printed_);
}

void Terminal::set_margins(const CsiParams& p) {
  u32 top = p.get_or(0, 1) - 1;
  u32 bottom = p.get_or(1, rows()) - 1;
  if (bottom >= rows()) bottom = rows() - 1;
  if (top >= bottom) return;  // xterm ignores a region of fewer than two lines
  top_ = top;
  bottom_ = bottom;
  move_to_origin_relative(0, 0);
}

void Terminal::screen_alignment() {  // DECALN: the screen full of E, margins reset, home
  top_ = 0;
  bottom_ = rows() - 1;
  origin_mode_ = false;
  Cell e{U'E', options_.theme.foreground, options_.theme.background, 0};
  for (u32 y = 0; y < rows(); ++y) grid_->fill(y, 0, columns(), e);
  move_to(0, 0);
}

// --- Modes ---------------------------------------------------------------------------------

void Terminal::set_mode(const CsiParams& p, bool dec_private, bool on) {
  for (usize i = 0; i < p.count; ++i) {
    u32 mode = p.values[i];
    if (dec_private)
      set_dec_mode(mode, on);
    else if (mode == 4)
      insert_mode_ = on;  // IRM
    else if (mode == 20)
      newline_mode_ = on;  // LNM
    else
      ++unsupported_;
  }
}

void Terminal::set_dec_mode(u32 mode, bool on) {
  switch (mode) {
    case 1: application_cursor_keys_ = on; break;  // DECCKM
    case 6:                                        // DECOM
      origin_mode_ = on;
      move_to_origin_relative(0, 0);
      break;
    case 7:  // DECAWM
      autowrap_ = on;
      if (!on) wrap_pending_ = false;
      break;
    case 12: break;  // cursor blinking: the console's cursor does not blink
    case 25:         // DECTCEM
      cursor_visible_ = on;
      grid_->damage(y_, x_, x_ + 1);
      break;
    case 47: on ? enter_alternate(false) : leave_alternate(false); break;
    case 1047: on ? enter_alternate(false) : leave_alternate(true); break;
    case 1048: on ? save_cursor() : restore_cursor(); break;
    case 1049:
      if (on) {  // xterm: save, switch, clear (also when already switched)
        save_cursor();
        enter_alternate(false);
        if (alternate_active_) erase_display(2);
      } else {  // xterm restores the cursor even when the normal screen was showing
        leave_alternate(false);
        restore_cursor();
      }
      break;
    case 2004: bracketed_paste_ = on; break;
    default: ++unsupported_; break;
  }
}

// DSR (ECMA-48 §8.3.35): 5 status ("OK"), 6 cursor position, in origin-relative rows.
void Terminal::status_report(u32 which, bool dec_private) {
  if (which == 5 && !dec_private) return reply("\x1b[0n");
  if (which != 6) {
    ++unsupported_;
    return;
  }
  u32 row = y_ + 1 - (origin_mode_ ? top_ : 0);
  char text[32];
  BufferSink out(text, sizeof(text));
  format_to(out, "\x1b[{}{};{}R", dec_private ? "?" : "", row, x_ + 1);
  reply(out.view());
}

void Terminal::reply(StringView text) {
  if (reply_length_ + text.size() > kReplyCapacity) return;
  for (char c : text) replies_[reply_length_++] = c;
}

usize Terminal::take_replies(char* out, usize capacity) {
  usize n = reply_length_ < capacity ? reply_length_ : capacity;
  for (usize i = 0; i < n; ++i) out[i] = replies_[i];
  for (usize i = n; i < reply_length_; ++i) replies_[i - n] = replies_[i];
  reply_length_ -= n;
  return n;
}

}  // namespace libk
