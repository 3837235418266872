// Unicode character properties the terminal needs, from tables generated at build time out
// of Debian's unicode-data package (tools/unicode2cpp.py): how many cells a code point
// takes, and which precomposed character a base and a combining mark make.
#pragma once

#include <libk/types.hpp>

namespace libk::unicode {

struct WidthRange {
  char32_t first, last;
  u32 width;  // 0 (combining, format) or 2 (East Asian Wide/Fullwidth)
};
struct Composition {
  char32_t base, mark, composed;
};

extern const WidthRange kWidthRanges[];
extern const usize kWidthRangeCount;
extern const Composition kCompositions[];  // sorted by (base, mark)
extern const usize kCompositionCount;

// Cells `cp` takes on a terminal: 0 for a mark that joins the character before it, 2 for a
// wide (CJK) character, else 1. Not meant for control characters.
u32 width(char32_t cp);

// The precomposed character for `base` followed by `mark` (canonical composition), or 0.
char32_t compose(char32_t base, char32_t mark);

}  // namespace libk::unicode
