// The console fonts built into Ember: Debian's Terminus fonts (console-setup-linux),
// embedded at build time by tools/psf2cpp.py as the raw PSF bytes and parsed at run time
// by libk::psf like any other font; and the wide (CJK) glyphs of GNU Unifont (unifont),
// converted by tools/unifont2cpp.py.
//
//   terminus16  Uni2-Terminus16      8x16 pixels, PSF1, 512 glyphs
//   terminus32  Uni2-Terminus32x16  16x32 pixels, PSF2, 512 glyphs
//   kWideFont   unifont.hex         16x16 pixels, the wide characters of the BMP
#pragma once

#include <libk/span.hpp>
#include <libk/string_view.hpp>
#include <libk/wide_font.hpp>

namespace fonts {

struct EmbeddedFont {
  const char* name;
  libk::Bytes data;
};

extern const EmbeddedFont kEmbedded[];
extern const usize kEmbeddedCount;
extern const libk::WideFont kWideFont;

// The embedded font called `name`, or nullptr.
inline const EmbeddedFont* find(libk::StringView name) {
  for (usize i = 0; i < kEmbeddedCount; ++i)
    if (libk::StringView(kEmbedded[i].name) == name) return &kEmbedded[i];
  return nullptr;
}

}  // namespace fonts
