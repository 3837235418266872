// PC Screen Font (PSF1 and PSF2) parsing, for the console's glyphs. A font is untrusted
// bytes: every size and offset is checked (overflow included) before it is used, and a
// malformed font is an error value, never a crash.
//
// Format facts (the kbd project's font documentation, "The PSF font format"):
//   PSF1: 4-byte header: magic 36 04, mode, charsize (= height; width is always 8).
//         mode bit 0: 512 glyphs instead of 256; bits 1 or 2: a Unicode table follows.
//         Table: per glyph, little-endian u16 code points, then optional combining
//         sequences each introduced by 0xFFFE, ended by 0xFFFF.
//   PSF2: 32-byte little-endian header: magic 72 b5 4a 86, version (0), headersize, flags
//         (bit 0: Unicode table), length (glyph count), charsize, height, width.
//         Table: per glyph, UTF-8 code points, then optional sequences each introduced by
//         0xFE, ended by 0xFF (bytes that never occur in UTF-8).
//   Glyphs: `height` rows of ceil(width / 8) bytes, most significant bit = leftmost pixel.
#pragma once

#include <libk/result.hpp>
#include <libk/span.hpp>
#include <libk/string_view.hpp>

namespace libk::psf {

// Limits of what Ember renders: one glyph row must fit in a u32 (TextRenderer), and glyph
// indices fit in 16 bits (GlyphMap).
inline constexpr u32 kMaxWidth = 32;
inline constexpr u32 kMaxHeight = 64;
inline constexpr u32 kMaxGlyphs = 65536;

enum class Error : u8 {
  TooShort,            // shorter than its header
  BadMagic,            // neither PSF1 nor PSF2
  UnsupportedVersion,  // PSF2 version other than 0
  BadHeaderSize,       // PSF2 headersize < 32 or past the end of the data
  ZeroSize,            // no glyphs, or a glyph of zero width or height
  GlyphTooLarge,       // wider than kMaxWidth or taller than kMaxHeight
  TooManyGlyphs,       // more than kMaxGlyphs
  CharsizeMismatch,    // PSF2 charsize != height * ceil(width / 8)
  GlyphsPastEnd,       // the glyph bitmaps extend past the end of the data
  TableTruncated,      // the Unicode table ends before every glyph's terminator
  TableBadUtf8,        // a PSF2 table entry is not well-formed UTF-8
  TableBadCodePoint,   // a surrogate or a value above U+10FFFF
};

StringView error_text(Error e);

struct Font {
  u8 version = 0;  // 1 or 2
  u32 width = 0;   // pixels
  u32 height = 0;  // pixels
  u32 glyph_count = 0;
  u32 bytes_per_row = 0;
  u32 bytes_per_glyph = 0;
  Bytes glyphs;           // glyph_count * bytes_per_glyph bytes
  Bytes unicode_table;    // empty when the font has none
  u32 mapping_count = 0;  // single-code-point mappings in the table (sequences excluded)

  bool has_unicode_table() const { return !unicode_table.empty(); }

  // The bitmap of glyph `index`; empty if out of range.
  Bytes glyph(u32 index) const {
    if (index >= glyph_count) return {};
    return glyphs.subspan(usize(index) * bytes_per_glyph, bytes_per_glyph);
  }

  // Row `y` of glyph bitmap `g` as a u32 with the leftmost pixel in bit 31.
  u32 row_bits(Bytes g, u32 y) const {
    const u8* p = g.data() + usize(y) * bytes_per_row;
    u32 bits = 0;
    for (u32 i = 0; i < bytes_per_row; ++i) bits |= u32(p[i]) << (24 - 8 * i);
    return bits;
  }
};

// Validates `data` (header, glyph bitmaps, the whole Unicode table) and returns views into
// it. `data` must outlive the Font.
Result<Font, Error> parse(Bytes data);

// Walks the single-code-point mappings of a parsed font's Unicode table in table order
// (combining sequences are skipped). The table was validated by parse().
class MappingReader {
 public:
  explicit MappingReader(const Font& font) : font_(font) {}
  // Stores the next mapping; false at the end of the table.
  bool next(char32_t& code_point, u32& glyph);

 private:
  bool next_psf1(char32_t& code_point, u32& glyph);
  bool next_psf2(char32_t& code_point, u32& glyph);

  const Font& font_;
  usize pos_ = 0;
  u32 glyph_ = 0;
  bool in_sequence_ = false;
};

}  // namespace libk::psf
