#include <libk/unicode.hpp>

namespace libk::unicode {

u32 width(char32_t cp) {
  if (cp < 0x300) return 1;  // the first mark is U+0300
  usize lo = 0, hi = kWidthRangeCount;
  while (lo < hi) {
    usize mid = lo + (hi - lo) / 2;
    if (cp < kWidthRanges[mid].first)
      hi = mid;
    else if (cp > kWidthRanges[mid].last)
      lo = mid + 1;
    else
      return kWidthRanges[mid].width;
  }
  return 1;
}

char32_t compose(char32_t base, char32_t mark) {
  usize lo = 0, hi = kCompositionCount;
  while (lo < hi) {
    usize mid = lo + (hi - lo) / 2;
    const Composition& c = kCompositions[mid];
    if (c.base == base && c.mark == mark) return c.composed;
    if (c.base < base || (c.base == base && c.mark < mark))
      lo = mid + 1;
    else
      hi = mid;
  }
  return 0;
}

}  // namespace libk::unicode
