#include <libk/terminal.hpp>

namespace libk {

namespace {

constexpr u32 kTabWidth = 8;

bool is_printable_ascii(char c) { return c >= 0x20 && c < 0x7F; }

}  // namespace

void Terminal::init(CellGrid& grid, const Options& options) {
  grid_ = &grid;
  options_ = options;
  reset();
}

void Terminal::reset() {
  parser_.reset();
  x_ = y_ = 0;
  wrap_pending_ = false;
  autowrap_ = true;
  newline_mode_ = options_.newline_mode;
  cursor_visible_ = options_.cursor_visible;
  pen_ = Pen();
  resolve_pen();
  saved_ = Saved{0, 0, pen_, false};
  for (u32 y = 0; y < grid_->rows(); ++y) grid_->fill(y, 0, grid_->columns(), blank());
}

void Terminal::write(StringView bytes) {
  usize i = 0;
  while (i < bytes.size()) {
    // Fast path: a run of printable ASCII outside any sequence goes straight to the grid.
    if (parser_.idle() && is_printable_ascii(bytes[i])) {
      usize end = i + 1;
      while (end < bytes.size() && is_printable_ascii(bytes[end])) ++end;
      print_ascii_run(bytes.data() + i, end - i);
      i = end;
      continue;
    }
    parser_.feed(u8(bytes[i++]), *this);
  }
}

void Terminal::print_ascii_run(const char* text, usize count) {
  if (!autowrap_) {
    for (usize i = 0; i < count; ++i) print(char32_t(text[i]));
    return;
  }
  while (count > 0) {
    if (wrap_pending_) wrap();
    u32 room = grid_->columns() - x_;
    u32 n = u32(count < room ? count : room);
    Cell* run = grid_->write_run(x_, y_, n);
    for (u32 i = 0; i < n; ++i)
      run[i] = Cell{char32_t(text[i]), pen_.fg_rgb, pen_.bg_rgb, pen_.attrs};
    text += n;
    count -= n;
    x_ += n;
    if (x_ == grid_->columns()) {
      x_ = grid_->columns() - 1;
      wrap_pending_ = true;
    }
  }
}

void Terminal::print(char32_t cp) {
  if (cp >= 0x80 && cp < 0xA0) return;  // C1 controls are not supported: ignored
  if (wrap_pending_) wrap();
  grid_->set(x_, y_, Cell{cp, pen_.fg_rgb, pen_.bg_rgb, pen_.attrs});
  if (x_ + 1 < grid_->columns())
    ++x_;
  else if (autowrap_)
    wrap_pending_ = true;
}

void Terminal::wrap() {
  wrap_pending_ = false;
  x_ = 0;
  index();
}

void Terminal::index() {
  if (y_ + 1 < grid_->rows())
    ++y_;
  else
    grid_->scroll_up(1, blank());
}

void Terminal::reverse_index() {
  if (y_ > 0)
    --y_;
  else
    grid_->scroll_down(1, blank());
}

void Terminal::move_to(i64 x, i64 y) {
  i64 max_x = grid_->columns() - 1, max_y = grid_->rows() - 1;
  x_ = u32(x < 0 ? 0 : x > max_x ? max_x : x);
  y_ = u32(y < 0 ? 0 : y > max_y ? max_y : y);
  wrap_pending_ = false;
}

void Terminal::execute(u8 control) {
  switch (control) {
    case '\b': move_to(i64(x_) - (x_ > 0 ? 1 : 0), y_); break;
    case '\t': {
      u32 next = (x_ / kTabWidth + 1) * kTabWidth;
      move_to(next, y_);
      break;
    }
    case '\n':
    case '\v':
    case '\f':
      wrap_pending_ = false;
      index();
      if (newline_mode_) x_ = 0;
      break;
    case '\r': move_to(0, y_); break;
    default: break;  // BEL, NUL, SO, SI, ...: nothing to show
  }
}

void Terminal::esc_dispatch(u8 intermediate, u8 final) {
  if (intermediate != 0) return;  // character set designations etc.: ignored
  switch (final) {
    case '7': save_cursor(); break;
    case '8': restore_cursor(); break;
    case 'c': reset(); break;
    case 'D': wrap_pending_ = false, index(); break;
    case 'E': wrap_pending_ = false, x_ = 0, index(); break;
    case 'M': wrap_pending_ = false, reverse_index(); break;
    default: break;
  }
}

void Terminal::csi_dispatch(const CsiParams& p, u8 private_marker, u8 intermediate, u8 final) {
  if (intermediate != 0) return;
  if (private_marker == '?' && (final == 'h' || final == 'l'))
    return set_mode(p, true, final == 'h');
  if (private_marker != 0) return;
  i64 x = x_, y = y_, n = p.get_or(0, 1);
  switch (final) {
    case 'A': return move_to(x, y - n);
    case 'B': return move_to(x, y + n);
    case 'C': return move_to(x + n, y);
    case 'D': return move_to(x - n, y);
    case 'E': return move_to(0, y + n);
    case 'F': return move_to(0, y - n);
    case 'G': return move_to(n - 1, y);
    case 'd': return move_to(x, n - 1);
    case 'H':
    case 'f': return move_to(i64(p.get_or(1, 1)) - 1, n - 1);
    case 'J': return erase_display(p.raw(0));
    case 'K': return erase_line(p.raw(0));
    case 'X':
      wrap_pending_ = false;
      return grid_->fill(y_, x_, u32(x + n < grid_->columns() ? x + n : grid_->columns()), blank());
    case 'S': return grid_->scroll_up(u32(n), blank());
    case 'T':
      if (p.count <= 1) grid_->scroll_down(u32(n), blank());  // 5 parameters: mouse tracking
      return;
    case 'm': return select_graphic_rendition(p);
    case 's':
      if (p.count == 0) save_cursor();
      return;
    case 'u': return restore_cursor();
    case 'h': return set_mode(p, false, true);
    case 'l': return set_mode(p, false, false);
    default: return;
  }
}

void Terminal::erase_display(u32 mode) {
  wrap_pending_ = false;
  u32 columns = grid_->columns(), rows = grid_->rows();
  Cell b = blank();
  if (mode == 0) {
    grid_->fill(y_, x_, columns, b);
    for (u32 y = y_ + 1; y < rows; ++y) grid_->fill(y, 0, columns, b);
  } else if (mode == 1) {
    for (u32 y = 0; y < y_; ++y) grid_->fill(y, 0, columns, b);
    grid_->fill(y_, 0, x_ + 1, b);
  } else if (mode == 2 || mode == 3) {  // 3 also clears scrollback, of which there is none
    for (u32 y = 0; y < rows; ++y) grid_->fill(y, 0, columns, b);
  }
}

void Terminal::erase_line(u32 mode) {
  wrap_pending_ = false;
  if (mode == 0)
    grid_->fill(y_, x_, grid_->columns(), blank());
  else if (mode == 1)
    grid_->fill(y_, 0, x_ + 1, blank());
  else if (mode == 2)
    grid_->fill(y_, 0, grid_->columns(), blank());
}

void Terminal::set_mode(const CsiParams& p, bool dec_private, bool on) {
  for (usize i = 0; i < p.count; ++i) {
    u32 mode = p.values[i];
    if (dec_private && mode == 7) {
      autowrap_ = on;
      if (!on) wrap_pending_ = false;
    } else if (dec_private && mode == 25) {
      cursor_visible_ = on;
      grid_->damage(y_, x_, x_ + 1);
    } else if (!dec_private && mode == 20) {
      newline_mode_ = on;
    }
  }
}

void Terminal::save_cursor() { saved_ = Saved{x_, y_, pen_, wrap_pending_}; }

void Terminal::restore_cursor() {
  move_to(saved_.x, saved_.y);  // clamps, in case the grid shrank since
  pen_ = saved_.pen;
  wrap_pending_ = saved_.wrap_pending && x_ == grid_->columns() - 1;
}

}  // namespace libk
