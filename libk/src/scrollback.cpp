#include <libk/assert.hpp>
#include <libk/scrollback.hpp>

namespace libk {

bool Scrollback::init(Span<Cell> cells, u32 columns, u32 capacity) {
  cells_ = nullptr;
  size_ = next_ = 0;
  if (columns == 0 || capacity == 0 || cells.size() / columns < capacity) return false;
  cells_ = cells.data();
  columns_ = columns;
  capacity_ = capacity;
  return true;
}

void Scrollback::push(const Cell* row) {
  if (!ready()) return;
  Cell* dst = cells_ + usize(next_) * columns_;
  for (u32 x = 0; x < columns_; ++x) dst[x] = row[x];
  next_ = next_ + 1 == capacity_ ? 0 : next_ + 1;
  if (size_ < capacity_) ++size_;
}

const Cell* Scrollback::line_back(u32 i) const {
  VERIFY(i >= 1 && i <= size_);
  u32 slot = next_ >= i ? next_ - i : next_ + capacity_ - i;
  return cells_ + usize(slot) * columns_;
}

}  // namespace libk
