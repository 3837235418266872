// Code point -> glyph index for a PSF font, built from the font's Unicode table.
//
// Latin-1 (U+0000..U+00FF) is looked up in a direct table; everything else by binary search
// over entries sorted by code point, in storage the caller provides (GlyphMap allocates
// nothing). A code point the font cannot show gets the replacement glyph: the font's
// U+FFFD if it has one, else '?', else glyph 0 — always something visible.
#pragma once

#include <libk/optional.hpp>
#include <libk/psf.hpp>
#include <libk/utf8.hpp>

namespace libk {

class GlyphMap {
 public:
  struct Entry {
    char32_t code_point;
    u32 glyph;
  };

  // Entries init() needs room for.
  static usize entries_needed(const psf::Font& font) { return font.mapping_count; }

  // Builds the map for `font` in `storage` (at least entries_needed(font) long; extra
  // mappings are dropped if it is shorter). When a code point maps to several glyphs the
  // first wins. A font without a table maps code point i to glyph i.
  void init(const psf::Font& font, Span<Entry> storage);

  // The glyph for `cp`, or the replacement glyph.
  u32 lookup(char32_t cp) const {
    if (cp < kDirectSize) return direct_[cp];
    return lookup_slow(cp);
  }
  bool contains(char32_t cp) const;
  u32 replacement_glyph() const { return replacement_; }

 private:
  static constexpr u32 kDirectSize = 256;

  u32 lookup_slow(char32_t cp) const;
  Optional<u32> find(char32_t cp) const;

  u16 direct_[kDirectSize] = {};
  bool direct_present_[kDirectSize] = {};
  const Entry* entries_ = nullptr;
  usize count_ = 0;
  u32 glyph_count_ = 0;
  bool identity_ = false;  // no Unicode table: code point == glyph index
  u32 replacement_ = 0;
};

}  // namespace libk
