// The lines that scrolled off the top of a terminal's screen, kept for looking back: a ring
// of rows of cells, each as wide as the screen. When full, each new line replaces the
// oldest. Allocates nothing: the caller provides the rows (the kernel takes them from the
// heap, up to its limit; docs/console.md).
#pragma once

#include <libk/cell_grid.hpp>

namespace libk {

class Scrollback {
 public:
  constexpr Scrollback() = default;

  // `cells` holds columns * capacity cells. Returns false (and keeps nothing) if it is
  // too small or a size is 0.
  [[nodiscard]] bool init(Span<Cell> cells, u32 columns, u32 capacity);
  bool ready() const { return cells_ != nullptr; }

  u32 columns() const { return columns_; }
  u32 capacity() const { return capacity_; }
  u32 size() const { return size_; }

  // Appends a copy of `row` (columns() cells) as the newest line.
  void push(const Cell* row);
  // Line i back from the newest: 1 is the newest, size() the oldest. 1 <= i <= size().
  const Cell* line_back(u32 i) const;
  void clear() { size_ = 0; }

 private:
  Cell* cells_ = nullptr;
  u32 columns_ = 0;
  u32 capacity_ = 0;
  u32 size_ = 0;
  u32 next_ = 0;  // slot the next line goes into
};

}  // namespace libk
