// The terminal's screen: a grid of character cells with per-row damage tracking.
//
// Rows are kept in a ring: scrolling the whole screen moves the ring's origin and blanks
// the rows that came in, so it costs one row of work however tall the screen is. Each
// *storage* row (a slot of the ring) records which of its cells changed since the renderer
// last drew it; a renderer that keeps its pixels in a ring of the same shape (TextRenderer)
// never moves pixels to scroll either.
//
// The grid allocates nothing: the caller provides the cell and damage storage.
#pragma once

#include <libk/format.hpp>
#include <libk/span.hpp>

namespace libk {

enum CellAttr : u32 {
  kAttrBold = 1u << 0,
  kAttrFaint = 1u << 1,
  kAttrItalic = 1u << 2,  // recorded; the console has no italic font and draws it upright
  kAttrUnderline = 1u << 3,
  kAttrBlink = 1u << 4,  // recorded; nothing blinks
  kAttrReverse = 1u << 5,
  kAttrConceal = 1u << 6,
  kAttrStrike = 1u << 7,
  // A wide (two-cell) character: its left half holds it and has kAttrWide, the right half
  // has kAttrWideTail and code point 0. The terminal never leaves one half without the other.
  kAttrWide = 1u << 8,
  kAttrWideTail = 1u << 9,
};

struct Cell {
  char32_t code_point;
  u32 fg;             // 0x00RRGGBB
  u32 bg;             // 0x00RRGGBB
  u32 attrs;          // CellAttr bits
  char32_t mark = 0;  // a combining mark written after the character, or 0 (one is kept)
  constexpr bool operator==(const Cell&) const = default;
};

// The cells [first, end) of a row changed since the row was last drawn (empty if first >= end).
struct RowDamage {
  u16 first;
  u16 end;
  constexpr bool empty() const { return first >= end; }
};

class CellGrid {
 public:
  static constexpr u32 kMaxColumns = 4096;
  static constexpr u32 kMaxRows = 4096;

  constexpr CellGrid() = default;

  // `cells` holds columns * rows cells and `damage` one entry per row. Every cell starts
  // as `blank` and damaged. Returns false (and stays unusable) if the sizes do not fit.
  [[nodiscard]] bool init(Span<Cell> cells, Span<RowDamage> damage, u32 columns, u32 rows,
                          const Cell& blank);
  bool ready() const { return cells_ != nullptr; }

  u32 columns() const { return columns_; }
  u32 rows() const { return rows_; }

  // Screen row y (0 = top) -> ring slot.
  u32 storage_row(u32 y) const {
    u32 s = origin_ + y;
    return s >= rows_ ? s - rows_ : s;
  }
  u32 origin() const { return origin_; }
  // How many rows the ring's origin has moved by since init(), either way: a renderer that
  // compares origins alone would miss a screenful of scrolls that brings it back.
  u64 scrolls() const { return scrolls_; }

  const Cell& at(u32 x, u32 y) const { return cells_[index(x, y)]; }
  void set(u32 x, u32 y, const Cell& c) {
    cells_[index(x, y)] = c;
    damage(y, x, x + 1);
  }
  // Cells [x0, x1) of screen row y become `c`.
  void fill(u32 y, u32 x0, u32 x1, const Cell& c);
  // The `count` cells from (x, y) on (all on row y), marked damaged, for the caller to
  // overwrite at once.
  Cell* write_run(u32 x, u32 y, u32 count) {
    damage(y, x, x + count);
    return cells_ + index(x, y);
  }

  // Content moves up by n rows; n blank rows appear at the bottom. O(n * columns).
  void scroll_up(u32 n, const Cell& blank);
  // Content moves down by n rows; n blank rows appear at the top.
  void scroll_down(u32 n, const Cell& blank);
  // The same within rows [top, bottom] (inclusive) only: the ring's origin moves when the
  // region is the whole screen, otherwise the region's rows are copied (O(region)).
  void scroll_region_up(u32 top, u32 bottom, u32 n, const Cell& blank);
  void scroll_region_down(u32 top, u32 bottom, u32 n, const Cell& blank);
  // Row y from column x on moves right by n cells (cells pushed past the edge are lost);
  // n blank cells appear at x.
  void insert_cells(u32 y, u32 x, u32 n, const Cell& blank);
  // Row y from column x + n on moves left to x; n blank cells appear at the right edge.
  void delete_cells(u32 y, u32 x, u32 n, const Cell& blank);
  // Exchanges the screen's content with `other` (columns * rows cells, row by row from the
  // top): how a terminal switches between its normal and alternate screen.
  void swap_contents(Span<Cell> other);

  const Cell* row(u32 y) const { return cells_ + usize(storage_row(y)) * columns_; }

  void damage(u32 y, u32 x0, u32 x1) { damage_slot(storage_row(y), x0, x1); }
  void damage_slot(u32 s, u32 x0, u32 x1);
  void damage_all();

  // For renderers: the cells and damage of ring slot s.
  const Cell* slot_cells(u32 s) const { return cells_ + usize(s) * columns_; }
  RowDamage slot_damage(u32 s) const { return damage_[s]; }
  void clear_slot_damage(u32 s) { damage_[s] = {0, 0}; }

  // Writes screen row y as UTF-8, without trailing blanks (for tools and tests).
  void write_row_text(u32 y, Sink& out) const { write_cells_text(row(y), columns_, out); }
  // The same for any row of cells (a scrollback line): marks follow their character, the
  // right halves of wide characters are skipped.
  static void write_cells_text(const Cell* cells, u32 count, Sink& out);

 private:
  usize index(u32 x, u32 y) const { return usize(storage_row(y)) * columns_ + x; }
  Cell* row_cells(u32 y) { return cells_ + usize(storage_row(y)) * columns_; }
  void blank_slot(u32 s, const Cell& blank);
  void copy_row(u32 from, u32 to);

  Cell* cells_ = nullptr;
  RowDamage* damage_ = nullptr;
  u32 columns_ = 0;
  u32 rows_ = 0;
  u32 origin_ = 0;
  u64 scrolls_ = 0;
};

}  // namespace libk
