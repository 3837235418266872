// A bitmap font for wide (two-cell) characters: 16x16 glyphs, one bit per pixel, two bytes
// per row with the leftmost pixel in the high bit, found by code point through sorted runs
// of consecutive code points. Ember's comes from Debian's GNU Unifont, converted at build
// time (tools/unifont2cpp.py); the renderer scales it to two cells of the console font.
#pragma once

#include <libk/span.hpp>

namespace libk {

struct WideFont {
  static constexpr u32 kSize = 16;  // pixels, both ways
  static constexpr u32 kBytesPerGlyph = kSize * 2;

  struct Run {
    char32_t first;  // code points [first, first + count) have glyphs [glyph, glyph + count)
    u32 count;
    u32 glyph;
  };

  Span<const Run> runs;  // sorted by first, not overlapping
  Bytes bitmaps;         // kBytesPerGlyph per glyph

  // The 16x16 bitmap for `cp`, or nullptr if the font has none (or a run points past the
  // bitmaps).
  const u8* find(char32_t cp) const {
    usize lo = 0, hi = runs.size();
    while (lo < hi) {
      usize mid = lo + (hi - lo) / 2;
      const Run& r = runs[mid];
      if (cp < r.first) {
        hi = mid;
      } else if (cp - r.first >= r.count) {
        lo = mid + 1;
      } else {
        usize offset = usize(r.glyph + (cp - r.first)) * kBytesPerGlyph;
        return offset + kBytesPerGlyph <= bitmaps.size() ? bitmaps.data() + offset : nullptr;
      }
    }
    return nullptr;
  }
};

}  // namespace libk
