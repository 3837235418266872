// The terminal's screens and saved state: DECSC/DECRC, the alternate screen (xterm modes
// 47, 1047, 1049) and the view into the scrollback.
#include <libk/terminal.hpp>

namespace libk {

// DECSC saves the cursor, the pen, the wrap flag, origin mode and the character sets, one
// copy per screen (xterm keeps the normal screen's and the alternate screen's apart).
void Terminal::save_cursor() {
  Saved& s = saved();
  s = Saved{x_, y_, pen_, wrap_pending_, origin_mode_, {charset_[0], charset_[1]}, gl_};
}

void Terminal::restore_cursor() {
  const Saved& s = saved();
  move_to(s.x, s.y);  // clamps, in case the grid shrank since
  pen_ = s.pen;
  origin_mode_ = s.origin_mode;
  charset_[0] = s.g[0];
  charset_[1] = s.g[1];
  gl_ = s.gl;
  wrap_pending_ = s.wrap_pending && x_ == columns() - 1;
}

// The alternate screen's cells live in alternate_cells_ while the normal screen is shown,
// and the normal screen's while the alternate one is: switching swaps the two.
void Terminal::enter_alternate(bool clear) {
  if (alternate_cells_.empty() || alternate_active_) return;
  grid_->swap_contents(alternate_cells_);
  alternate_active_ = true;
  view_offset_ = 0;
  if (clear)
    for (u32 y = 0; y < rows(); ++y) grid_->fill(y, 0, columns(), blank());
}

void Terminal::leave_alternate(bool clear) {
  if (!alternate_active_) return;
  if (clear)
    for (u32 y = 0; y < rows(); ++y) grid_->fill(y, 0, columns(), blank());
  grid_->swap_contents(alternate_cells_);
  alternate_active_ = false;
}

bool Terminal::set_scrollback(Scrollback* scrollback) {
  view_offset_ = 0;
  scrollback_ = nullptr;
  if (scrollback == nullptr) return true;
  if (!scrollback->ready() || scrollback->columns() != columns()) return false;
  scrollback_ = scrollback;
  return true;
}

void Terminal::scroll_view(i64 lines) {
  i64 most = scrollback_ ? scrollback_->size() : 0;
  i64 offset = i64(view_offset_) + lines;
  view_offset_ = u32(offset < 0 ? 0 : offset > most ? most : offset);
}

void Terminal::scroll_view_to_top() { view_offset_ = scrollback_ ? scrollback_->size() : 0; }

const Cell* Terminal::view_row(u32 y) const {
  if (y < view_offset_) return scrollback_->line_back(view_offset_ - y);
  return grid_->row(y - view_offset_);
}

}  // namespace libk
