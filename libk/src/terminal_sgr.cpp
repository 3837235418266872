// SGR (Select Graphic Rendition, ECMA-48 §8.3.117) with the xterm extensions for 256
// colours and truecolor (ISO 8613-6 / ITU T.416 "38;2;r;g;b" and the ':' forms).
#include <libk/terminal.hpp>

namespace libk {

namespace {

// The first parameter after i that is not a ':' sub-parameter of parameter i.
usize skip_subparameters(const CsiParams& p, usize i) {
  usize next = i + 1;
  while (next < p.count && p.is_sub(next)) ++next;
  return next;
}

}  // namespace

void Terminal::resolve_pen() {
  auto resolve = [this](const Colour& c, u32 fallback) -> u32 {
    switch (c.kind) {
      case Colour::Default: return fallback;
      case Colour::Indexed: return palette_256(options_.theme, u8(c.value));
      case Colour::Direct: return c.value;
    }
    return fallback;
  };
  pen_.fg_rgb = resolve(pen_.fg, options_.theme.foreground);
  pen_.bg_rgb = resolve(pen_.bg, options_.theme.background);
}

void Terminal::select_graphic_rendition(const CsiParams& p) {
  if (p.count == 0) {
    pen_ = Pen();
  } else {
    for (usize i = 0; i < p.count;) i = sgr_one(p, i);
  }
  resolve_pen();
}

// Applies the attribute at parameter i; returns the index of the next one.
usize Terminal::sgr_one(const CsiParams& p, usize i) {
  u32 v = p.values[i];
  auto set = [this](u32 bits) { pen_.attrs |= bits; };
  auto clear = [this](u32 bits) { pen_.attrs &= ~bits; };
  switch (v) {
    case 0: pen_ = Pen(); break;
    case 1: set(kAttrBold); break;
    case 2: set(kAttrFaint); break;
    case 3: set(kAttrItalic); break;
    case 4:  // 4:0 turns underline off; 4:1..4:5 are underline styles, all drawn alike
      if (p.is_sub(i + 1) && p.values[i + 1] == 0)
        clear(kAttrUnderline);
      else
        set(kAttrUnderline);
      break;
    case 5:
    case 6: set(kAttrBlink); break;
    case 7: set(kAttrReverse); break;
    case 8: set(kAttrConceal); break;
    case 9: set(kAttrStrike); break;
    case 21: set(kAttrUnderline); break;
    case 22: clear(kAttrBold | kAttrFaint); break;
    case 23: clear(kAttrItalic); break;
    case 24: clear(kAttrUnderline); break;
    case 25: clear(kAttrBlink); break;
    case 27: clear(kAttrReverse); break;
    case 28: clear(kAttrConceal); break;
    case 29: clear(kAttrStrike); break;
    case 38: return sgr_extended_colour(p, i, &pen_.fg);
    case 39: pen_.fg = Colour(); break;
    case 48: return sgr_extended_colour(p, i, &pen_.bg);
    case 49: pen_.bg = Colour(); break;
    case 58: return sgr_extended_colour(p, i, nullptr);  // underline colour: not drawn
    default:
      if (v >= 30 && v <= 37)
        pen_.fg = {Colour::Indexed, v - 30};
      else if (v >= 40 && v <= 47)
        pen_.bg = {Colour::Indexed, v - 40};
      else if (v >= 90 && v <= 97)
        pen_.fg = {Colour::Indexed, v - 90 + 8};
      else if (v >= 100 && v <= 107)
        pen_.bg = {Colour::Indexed, v - 100 + 8};
      break;  // anything else: ignored
  }
  return skip_subparameters(p, i);
}

// 38/48/58 at parameter i, in one of the forms
//   38;5;n   38;2;r;g;b   38:5:n   38:2:r:g:b   38:2:colourspace:r:g:b
// Stores the colour in *target (if any and if well-formed); returns the next index. A
// malformed colour is consumed (as far as its form can be told) and ignored.
usize Terminal::sgr_extended_colour(const CsiParams& p, usize i, Colour* target) {
  u32 parts[5] = {};
  usize count = 0, next;
  if (p.is_sub(i + 1)) {  // ':' form: everything up to the next ';' belongs to it
    next = skip_subparameters(p, i);
    for (usize j = i + 1; j < next && count < 5; ++j) parts[count++] = p.values[j];
    if (count == 5 && parts[0] == 2) {  // 2:colourspace:r:g:b -> drop the colourspace
      parts[1] = parts[2], parts[2] = parts[3], parts[3] = parts[4];
      count = 4;
    }
  } else {
    u32 kind = p.raw(i + 1);
    usize wanted = kind == 5 ? 2 : kind == 2 ? 4 : 1;
    for (usize j = i + 1; j < p.count && count < wanted; ++j) parts[count++] = p.values[j];
    next = i + 1 + count;
  }
  if (target == nullptr || count == 0) return next;
  if (parts[0] == 5 && count >= 2 && parts[1] <= 255) {
    *target = {Colour::Indexed, parts[1]};
  } else if (parts[0] == 2 && count >= 4 && parts[1] <= 255 && parts[2] <= 255 && parts[3] <= 255) {
    *target = {Colour::Direct, rgb(u8(parts[1]), u8(parts[2]), u8(parts[3]))};
  }
  return next;
}

}  // namespace libk
