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
    blank_slot(slot, blank);
  }
}

void CellGrid::scroll_down(u32 n, const Cell& blank) {
  if (n > rows_) n = rows_;
  for (u32 i = 0; i < n; ++i) {
    origin_ = origin_ == 0 ? rows_ - 1 : origin_ - 1;
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

void CellGrid::write_row_text(u32 y, Sink& out) const {
  const Cell* row = cells_ + usize(storage_row(y)) * columns_;
  u32 end = columns_;
  while (end > 0 && (row[end - 1].code_point == U' ' || row[end - 1].code_point == 0)) --end;
  char buf[4];
  for (u32 x = 0; x < end; ++x) {
    char32_t cp = row[x].code_point ? row[x].code_point : U' ';
    out.write(StringView(buf, encode_utf8(cp, buf)));
  }
}

}  // namespace libk
