// Terminal colours: the theme (default colours and the 16 ANSI colours) and the xterm
// 256-colour palette built on it. Colours are 0x00RRGGBB.
#pragma once

#include <libk/types.hpp>

namespace libk {

struct TerminalTheme {
  u32 foreground;
  u32 background;
  u32 ansi[16];  // black red green yellow blue magenta cyan white, then the bright eight
};

// Ember's console colours: light grey on a dark violet-grey, with an ANSI
// palette bright enough to read on it.
inline constexpr TerminalTheme kEmberTheme = {
    0xD4D2DC,
    0x1C1B22,
    {0x2E2C36, 0xE05561, 0x8CC265, 0xD8A657, 0x4AA5F0, 0xC162DE, 0x42B3C2, 0xC8C8D0, 0x6C6A78,
     0xFF6E7A, 0xA5E075, 0xF0C674, 0x6CB6FF, 0xDE8EF2, 0x6FD3E0, 0xF2F2F7},
};

// Colour `index` of the xterm 256-colour palette: 0-15 from the theme, 16-231 the 6x6x6
// cube with levels 0, 95, 135, 175, 215, 255, and 232-255 the grey ramp 8, 18, ..., 238.
constexpr u32 palette_256(const TerminalTheme& theme, u8 index) {
  if (index < 16) return theme.ansi[index];
  if (index >= 232) {
    u32 v = 8 + 10 * u32(index - 232);
    return (v << 16) | (v << 8) | v;
  }
  constexpr u32 kLevels[6] = {0, 95, 135, 175, 215, 255};
  u32 i = index - 16u;
  return (kLevels[i / 36] << 16) | (kLevels[(i / 6) % 6] << 8) | kLevels[i % 6];
}

constexpr u32 rgb(u8 r, u8 g, u8 b) { return (u32(r) << 16) | (u32(g) << 8) | b; }

}  // namespace libk
