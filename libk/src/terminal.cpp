// The terminal's text path: printing (narrow, wide, combining, DEC line drawing), the C0
// controls, ESC sequences and scrolling. CSI sequences are in terminal_csi.cpp.
#include <libk/terminal.hpp>
#include <libk/unicode.hpp>

namespace libk {

namespace {

bool is_printable_ascii(char c) { return c >= 0x20 && c < 0x7F; }

// DEC Special Graphics (VT100 User Guide, table 3-9; xterm ctlseqs "DEC Special Character and
// Line Drawing Set"), for the bytes 0x5F..0x7E while that set is in GL.
constexpr char32_t kDecGraphicsSet[] = {
    0x00A0, 0x25C6, 0x2592, 0x2409, 0x240C, 0x240D, 0x240A, 0x00B0, 0x00B1, 0x2424, 0x240B,
    0x2518, 0x2510, 0x250C, 0x2514, 0x253C, 0x23BA, 0x23BB, 0x2500, 0x23BC, 0x23BD, 0x251C,
    0x2524, 0x2534, 0x252C, 0x2502, 0x2264, 0x2265, 0x03C0, 0x2260, 0x00A3, 0x00B7,
};

}  // namespace

void Terminal::init(CellGrid& grid, const Options& options, const Storage& storage) {
  grid_ = &grid;
  options_ = options;
  usize screen_cells = usize(grid.columns()) * grid.rows();
  alternate_cells_ = storage.alternate.size() >= screen_cells ? storage.alternate : Span<Cell>();
  alternate_active_ = false;
  if (!set_scrollback(storage.scrollback)) scrollback_ = nullptr;
  reset();
  for (Cell& c : alternate_cells_) c = blank();
}

void Terminal::reset() {
  parser_.reset();
  if (alternate_active_) leave_alternate(false);
  x_ = y_ = 0;
  top_ = 0;
  bottom_ = rows() - 1;
  wrap_pending_ = false;
  autowrap_ = true;
  origin_mode_ = insert_mode_ = false;
  newline_mode_ = options_.newline_mode;
  cursor_visible_ = options_.cursor_visible;
  cursor_style_ = CursorStyle::Block;
  bracketed_paste_ = application_cursor_keys_ = false;
  charset_[0] = charset_[1] = kAscii;
  gl_ = 0;
  last_printed_ = 0;
  mark_valid_ = false;
  view_offset_ = 0;
  pen_ = Pen();
  resolve_pen();
  saved_[0] = saved_[1] = Saved{0, 0, pen_, false, false, {kAscii, kAscii}, 0};
  reset_tabs();
  for (u32 y = 0; y < rows(); ++y) grid_->fill(y, 0, columns(), blank());
}

void Terminal::write(StringView bytes) {
  if (!bytes.empty()) view_offset_ = 0;  // new output returns the view to the screen
  usize i = 0;
  while (i < bytes.size()) {
    // Fast path: a run of printable ASCII outside any sequence goes straight to the grid.
    if (parser_.idle() && is_printable_ascii(bytes[i]) && fast_path_ok()) {
      usize end = i + 1;
      while (end < bytes.size() && is_printable_ascii(bytes[end])) ++end;
      print_ascii_run(bytes.data() + i, end - i);
      i = end;
      continue;
    }
    parser_.feed(u8(bytes[i++]), *this);
  }
}

// Autowrap on, insert mode off, ASCII in GL (fast_path_ok()).
void Terminal::print_ascii_run(const char* text, usize count) {
  last_printed_ = char32_t(text[count - 1]);
  while (count > 0) {
    if (wrap_pending_) wrap();
    u32 room = columns() - x_;
    u32 n = u32(count < room ? count : room);
    split_wide_at(y_, x_, x_ + n);
    Cell* run = grid_->write_run(x_, y_, n);
    for (u32 i = 0; i < n; ++i) run[i] = pen_cell(char32_t(text[i]));
    mark_target(x_ + n - 1);
    text += n;
    count -= n;
    x_ += n;
    if (x_ == columns()) {
      x_ = columns() - 1;
      wrap_pending_ = true;
    }
  }
}

char32_t Terminal::translate(char32_t cp) const {
  if (charset_[gl_] == kDecGraphics && cp >= 0x5F && cp <= 0x7E) return kDecGraphicsSet[cp - 0x5F];
  return cp;
}

void Terminal::print(char32_t cp) {
  if (cp >= 0x80 && cp < 0xA0) return;  // C1 controls are not supported: ignored
  cp = translate(cp);
  u32 width = unicode::width(cp);
  if (width == 0) return add_mark(cp);
  if (width == 2 && columns() >= 2) return print_wide(cp);
  if (width == 2) cp = kReplacementCharacter;  // a one-column screen cannot show it
  if (wrap_pending_) wrap();
  if (insert_mode_) insert_blanks(1);
  put_cell(x_, pen_cell(cp));
  mark_target(x_);
  last_printed_ = cp;
  if (x_ + 1 < columns())
    ++x_;
  else if (autowrap_)
    wrap_pending_ = true;
}

void Terminal::print_wide(char32_t cp) {
  if (wrap_pending_) wrap();
  if (x_ + 2 > columns()) {  // it would straddle the edge: wrap first (or stay inside)
    if (autowrap_)
      wrap();
    else
      x_ = columns() - 2;
  }
  if (insert_mode_) insert_blanks(2);
  split_wide_at(y_, x_, x_ + 2);
  Cell* run = grid_->write_run(x_, y_, 2);
  run[0] = pen_cell(cp, kAttrWide);
  run[1] = pen_cell(0, kAttrWideTail);
  mark_target(x_);
  last_printed_ = cp;
  x_ += 2;
  if (x_ >= columns()) {
    x_ = columns() - 1;
    wrap_pending_ = autowrap_;
  }
}

// A combining mark joins the character printed just before it; after anything else (a
// control, a sequence) there is none and the mark is dropped. Only the first mark of a
// cell is kept.
void Terminal::add_mark(char32_t mark) {
  if (!mark_valid_ || mark_y_ >= rows() || mark_x_ >= columns()) return;
  const Cell* row = grid_->row(mark_y_);
  if (row[mark_x_].mark != 0) return;
  Cell c = row[mark_x_];
  c.mark = mark;
  grid_->set(mark_x_, mark_y_, c);
}

void Terminal::put_cell(u32 x, const Cell& cell) {
  split_wide_at(y_, x, x + 1);
  grid_->set(x, y_, cell);
}

// Cells [x0, x1) of row y are about to be overwritten: a wide character only partly inside
// loses its other half, which becomes a blank of its own colours.
void Terminal::split_wide_at(u32 y, u32 x0, u32 x1) {
  const Cell* row = grid_->row(y);
  auto blank_cell = [&](u32 x) {
    Cell c = row[x];
    c.code_point = U' ';
    c.mark = 0;
    c.attrs &= ~(kAttrWide | kAttrWideTail);
    grid_->set(x, y, c);
  };
  if (x0 > 0 && x0 < columns() && (row[x0].attrs & kAttrWideTail)) blank_cell(x0 - 1);
  if (x1 > 0 && x1 < columns() && (row[x1 - 1].attrs & kAttrWide)) blank_cell(x1);
}

void Terminal::wrap() {
  wrap_pending_ = false;
  x_ = 0;
  index();
}

void Terminal::index() {
  if (y_ == bottom_)
    scroll_up(1);
  else if (y_ + 1 < rows())
    ++y_;
}

void Terminal::reverse_index() {
  if (y_ == top_)
    scroll_down(1);
  else if (y_ > 0)
    --y_;
}

// Scrolls the region up; lines leaving the top of the whole normal screen are kept in the
// scrollback (xterm saves lines only from a full-screen region).
void Terminal::scroll_up(u32 n) {
  u32 height = bottom_ - top_ + 1;
  if (n > height) n = height;
  if (scrollback_ && !alternate_active_ && top_ == 0 && bottom_ + 1 == rows())
    for (u32 i = 0; i < n; ++i) scrollback_->push(grid_->row(i));
  grid_->scroll_region_up(top_, bottom_, n, blank());
}

void Terminal::scroll_down(u32 n) { grid_->scroll_region_down(top_, bottom_, n, blank()); }

void Terminal::execute(u8 control) {
  mark_valid_ = false;
  switch (control) {
    case '\b':
      wrap_pending_ = false;
      if (x_ > 0) --x_;
      break;
    case '\t': tab_forward(1); break;  // keeps a pending wrap (xterm, libvterm, Linux)
    case '\n':
    case '\v':
    case '\f':
      wrap_pending_ = false;
      index();
      if (newline_mode_) x_ = 0;
      break;
    case '\r':
      wrap_pending_ = false;
      x_ = 0;
      break;
    case 0x0E: gl_ = 1; break;  // SO: G1 into GL
    case 0x0F: gl_ = 0; break;  // SI: G0 into GL
    default: break;             // BEL, NUL, ...: nothing to show
  }
}

void Terminal::esc_dispatch(u8 intermediate, u8 final) {
  mark_valid_ = false;
  if (intermediate == '(' || intermediate == ')') {
    // Designate G0/G1: '0' is DEC Special Graphics; 'B' (ASCII) and the national sets,
    // which Ember does not have, give ASCII.
    charset_[intermediate == ')' ? 1 : 0] = final == '0' ? kDecGraphics : kAscii;
    return;
  }
  if (intermediate == '#' && final == '8') return screen_alignment();
  if (intermediate != 0) {
    ++unsupported_;
    return;
  }
  switch (final) {
    case '7': save_cursor(); break;
    case '8': restore_cursor(); break;
    case 'c': reset(); break;
    case 'D': wrap_pending_ = false, index(); break;
    case 'E': wrap_pending_ = false, x_ = 0, index(); break;
    case 'M': wrap_pending_ = false, reverse_index(); break;
    case 'H': tabs_[x_ / 64] |= u64(1) << (x_ % 64); break;  // HTS
    case '=':                                                // DECKPAM, DECKPNM: keypad
    case '>': break;                                         // modes, input only
    default: ++unsupported_; break;
  }
}

}  // namespace libk
