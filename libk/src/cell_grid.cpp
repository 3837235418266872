#include <libk/assert.hpp>
#include <libk/cell_grid.hpp>
#include <libk/utf8.hpp>

namespace libk {

bool CellGrid::init(Span<Cell> cells, Span<RowDamage> damage, u32 columns, u32 rows,
                    const Cell& blank) {
  cells_ = nullptr;
  if (columns == 0 || rows == 0 || columns > kMaxColumns || rows > kMaxRows) return false;
  if (cells.size() < usize(columns) * rows || damage.size() < rows) return false;
  cells_ = cells.data();
  damage_ = damage.data();
  columns_ = columns;
  rows_ = rows;
  origin_ = 0;
  scrolls_ = 0;
  for (u32 s = 0; s < rows_; ++s) blank_slot(s, blank);
  return true;
}

void CellGrid::blank_slot(u32 s, const Cell& blank) {
  Cell* row = cells_ + usize(s) * columns_;
  for (u32 x = 0; x < columns_; ++x) row[x] = blank;
  damage_[s] = {0, u16(columns_)};
}

void CellGrid::fill(u32 y, u32 x0, u32 x1, const Cell& c) {
  if (x1 > columns_) x1 = columns_;
  if (x0 >= x1) return;
  Cell* row = cells_ + usize(storage_row(y)) * columns_;
  for (u32 x = x0; x < x1; ++x) row[x] = c;
  damage(y, x0, x1);
}

void CellGrid::scroll_up(u32 n, const Cell& blank) {
  if (n > rows_) n = rows_;
  // The top n slots become the bottom n rows: advance the origin past them and blank them.
  for (u32 i = 0; i < n; ++i) {
    u32 slot = origin_;
    origin_ = origin_ + 1 == rows_ ? 0 : origin_ + 1;
    ++scrolls_;
    blank_slot(slot, blank);
  }
}

void CellGrid::scroll_down(u32 n, const Cell& blank) {
  if (n > rows_) n = rows_;
  for (u32 i = 0; i < n; ++i) {
    origin_ = origin_ == 0 ? rows_ - 1 : origin_ - 1;
    ++scrolls_;
    blank_slot(origin_, blank);
  }
}

void CellGrid::damage_slot(u32 s, u32 x0, u32 x1) {
  RowDamage& d = damage_[s];
  if (d.empty()) {
    d = {u16(x0), u16(x1)};
    return;
  }
  if (x0 < d.first) d.first = u16(x0);
  if (x1 > d.end) d.end = u16(x1);
}

void CellGrid::damage_all() {
  for (u32 s = 0; s < rows_; ++s) damage_[s] = {0, u16(columns_)};
}

void CellGrid::scroll_region_up(u32 top, u32 bottom, u32 n, const Cell& blank) {
  if (top == 0 && bottom + 1 == rows_) return scroll_up(n, blank);
  if (top > bottom || bottom >= rows_) return;
  u32 height = bottom - top + 1;
  if (n > height) n = height;
  for (u32 y = top; y + n <= bottom; ++y) copy_row(y + n, y);
  for (u32 y = bottom + 1 - n; y <= bottom; ++y) blank_slot(storage_row(y), blank);
}

void CellGrid::scroll_region_down(u32 top, u32 bottom, u32 n, const Cell& blank) {
  if (top == 0 && bottom + 1 == rows_) return scroll_down(n, blank);
  if (top > bottom || bottom >= rows_) return;
  u32 height = bottom - top + 1;
  if (n > height) n = height;
  if (n == 0) return;
  for (u32 y = bottom; y >= top + n; --y) copy_row(y - n, y);
  for (u32 y = top; y < top + n; ++y) blank_slot(storage_row(y), blank);
}

void CellGrid::copy_row(u32 from, u32 to) {
  const Cell* src = row(from);
  Cell* dst = row_cells(to);
  for (u32 x = 0; x < columns_; ++x) dst[x] = src[x];
  damage(to, 0, columns_);
}

void CellGrid::insert_cells(u32 y, u32 x, u32 n, const Cell& blank) {
  if (x >= columns_) return;
  if (n > columns_ - x) n = columns_ - x;
  Cell* r = row_cells(y);
  for (u32 i = columns_; i-- > x + n;) r[i] = r[i - n];
  for (u32 i = x; i < x + n; ++i) r[i] = blank;
  damage(y, x, columns_);
}

void CellGrid::delete_cells(u32 y, u32 x, u32 n, const Cell& blank) {
  if (x >= columns_) return;
  if (n > columns_ - x) n = columns_ - x;
  Cell* r = row_cells(y);
  for (u32 i = x; i + n < columns_; ++i) r[i] = r[i + n];
  for (u32 i = columns_ - n; i < columns_; ++i) r[i] = blank;
  damage(y, x, columns_);
}

void CellGrid::swap_contents(Span<Cell> other) {
  VERIFY(other.size() >= usize(columns_) * rows_);
  for (u32 y = 0; y < rows_; ++y) {
    Cell* r = row_cells(y);
    Cell* o = other.data() + usize(y) * columns_;
    for (u32 x = 0; x < columns_; ++x) swap(r[x], o[x]);
  }
  damage_all();
}

void CellGrid::write_cells_text(const Cell* cells, u32 count, Sink& out) {
  u32 end = count;
  while (end > 0 && (cells[end - 1].code_point == U' ' || cells[end - 1].code_point == 0) &&
         cells[end - 1].mark == 0)
    --end;
  char buf[4];
  for (u32 x = 0; x < end; ++x) {
    if (cells[x].attrs & kAttrWideTail) continue;
    char32_t cp = cells[x].code_point ? cells[x].code_point : U' ';
    out.write(StringView(buf, encode_utf8(cp, buf)));
    if (cells[x].mark) out.write(StringView(buf, encode_utf8(cells[x].mark, buf)));
  }
}

}  // namespace libk
