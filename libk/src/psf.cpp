#include <libk/psf.hpp>
#include <libk/utf8.hpp>

namespace libk::psf {

namespace {

constexpr u8 kPsf1Magic[2] = {0x36, 0x04};
constexpr u8 kPsf2Magic[4] = {0x72, 0xB5, 0x4A, 0x86};
constexpr u8 kPsf1Mode512 = 0x01;
constexpr u8 kPsf1ModeHasTable = 0x02;
constexpr u8 kPsf1ModeHasSequences = 0x04;
constexpr u32 kPsf2HeaderSize = 32;
constexpr u32 kPsf2FlagHasTable = 0x01;
constexpr u16 kPsf1Separator = 0xFFFF;
constexpr u16 kPsf1StartSequence = 0xFFFE;
constexpr u8 kPsf2Separator = 0xFF;
constexpr u8 kPsf2StartSequence = 0xFE;

Unexpected<Error> fail(Error e) { return unexpected(e); }

bool is_valid_code_point(char32_t cp) { return cp <= 0x10FFFF && (cp < 0xD800 || cp > 0xDFFF); }

// Decodes the code point at t[pos] with libk's UTF-8 decoder, strictly: what the decoder
// would replace with U+FFFD is an error here.
Result<char32_t, Error> decode_table_utf8(Bytes t, usize& pos) {
  Utf8Decoder decoder;
  char32_t out[2];
  for (usize i = pos; i < t.size(); ++i) {
    if (decoder.feed(t[i], out) == 0) continue;
    switch (decoder.last_error()) {
      case Utf8Error::None: pos = i + 1; return out[0];
      case Utf8Error::Surrogate:
      case Utf8Error::TooLarge: return fail(Error::TableBadCodePoint);
      case Utf8Error::IllFormed: return fail(Error::TableBadUtf8);
      case Utf8Error::Truncated: return fail(Error::TableTruncated);
    }
  }
  return fail(Error::TableTruncated);
}

// Checks the whole table: every glyph's entry list must end with a separator inside it.
// Returns the number of single-code-point mappings.
Result<u32, Error> validate_psf1_table(Bytes t, u32 glyph_count) {
  u32 mappings = 0;
  usize pos = 0;
  for (u32 g = 0; g < glyph_count; ++g) {
    bool in_sequence = false;
    for (;;) {
      if (!t.contains_range(pos, 2)) return fail(Error::TableTruncated);
      u16 v = load_le<u16>(t.data() + pos);
      pos += 2;
      if (v == kPsf1Separator) break;
      if (v == kPsf1StartSequence)
        in_sequence = true;
      else if (!is_valid_code_point(v))
        return fail(Error::TableBadCodePoint);
      else if (!in_sequence)
        ++mappings;
    }
  }
  return mappings;
}

Result<u32, Error> validate_psf2_table(Bytes t, u32 glyph_count) {
  u32 mappings = 0;
  usize pos = 0;
  for (u32 g = 0; g < glyph_count; ++g) {
    bool in_sequence = false;
    for (;;) {
      if (pos >= t.size()) return fail(Error::TableTruncated);
      u8 b = t[pos];
      if (b == kPsf2Separator) {
        ++pos;
        break;
      }
      if (b == kPsf2StartSequence) {
        ++pos;
        in_sequence = true;
        continue;
      }
      TRY(decode_table_utf8(t, pos));
      if (!in_sequence) ++mappings;
    }
  }
  return mappings;
}

Result<void, Error> check_geometry(u32 width, u32 height, u32 count) {
  if (width == 0 || height == 0 || count == 0) return fail(Error::ZeroSize);
  if (width > kMaxWidth || height > kMaxHeight) return fail(Error::GlyphTooLarge);
  if (count > kMaxGlyphs) return fail(Error::TooManyGlyphs);
  return {};
}

// Fills in the glyph and table views once the header fields are known.
Result<Font, Error> finish(Font font, Bytes data, u64 glyphs_offset, bool has_table) {
  font.bytes_per_row = (font.width + 7) / 8;
  u64 glyph_bytes = u64(font.glyph_count) * font.bytes_per_glyph;
  if (!data.contains_range(glyphs_offset, glyph_bytes)) return fail(Error::GlyphsPastEnd);
  font.glyphs = data.subspan(glyphs_offset, glyph_bytes);
  if (has_table) {
    Bytes table = data.subspan(glyphs_offset + glyph_bytes);
    auto mappings = font.version == 1 ? validate_psf1_table(table, font.glyph_count)
                                      : validate_psf2_table(table, font.glyph_count);
    if (!mappings) return fail(mappings.error());
    font.unicode_table = table;
    font.mapping_count = mappings.value();
  }
  return font;
}

Result<Font, Error> parse_psf1(Bytes data) {
  if (data.size() < 4) return fail(Error::TooShort);
  u8 mode = data[2];
  Font font;
  font.version = 1;
  font.width = 8;
  font.height = data[3];
  font.glyph_count = (mode & kPsf1Mode512) ? 512 : 256;
  font.bytes_per_glyph = data[3];
  TRY(check_geometry(font.width, font.height, font.glyph_count));
  return finish(font, data, 4, mode & (kPsf1ModeHasTable | kPsf1ModeHasSequences));
}

Result<Font, Error> parse_psf2(Bytes data) {
  if (data.size() < kPsf2HeaderSize) return fail(Error::TooShort);
  const u8* h = data.data();
  u32 version = load_le<u32>(h + 4), header_size = load_le<u32>(h + 8);
  u32 flags = load_le<u32>(h + 12), length = load_le<u32>(h + 16);
  u32 charsize = load_le<u32>(h + 20), height = load_le<u32>(h + 24), width = load_le<u32>(h + 28);
  if (version != 0) return fail(Error::UnsupportedVersion);
  if (header_size < kPsf2HeaderSize || header_size > data.size()) return fail(Error::BadHeaderSize);
  TRY(check_geometry(width, height, length));
  if (charsize != height * ((width + 7) / 8)) return fail(Error::CharsizeMismatch);
  Font font;
  font.version = 2;
  font.width = width;
  font.height = height;
  font.glyph_count = length;
  font.bytes_per_glyph = charsize;
  return finish(font, data, header_size, flags & kPsf2FlagHasTable);
}

bool starts_with(Bytes data, const u8* magic, usize n) {
  if (data.size() < n) return false;
  for (usize i = 0; i < n; ++i)
    if (data[i] != magic[i]) return false;
  return true;
}

}  // namespace

StringView error_text(Error e) {
  switch (e) {
    case Error::TooShort: return "font is shorter than its header";
    case Error::BadMagic: return "not a PSF1 or PSF2 font (bad magic)";
    case Error::UnsupportedVersion: return "unsupported PSF2 version";
    case Error::BadHeaderSize: return "PSF2 header size is invalid";
    case Error::ZeroSize: return "font has no glyphs or an empty glyph size";
    case Error::GlyphTooLarge: return "glyphs are larger than 32x64 pixels";
    case Error::TooManyGlyphs: return "font has more than 65536 glyphs";
    case Error::CharsizeMismatch: return "PSF2 charsize does not match height and width";
    case Error::GlyphsPastEnd: return "glyph bitmaps extend past the end of the font";
    case Error::TableTruncated: return "Unicode table is truncated";
    case Error::TableBadUtf8: return "Unicode table holds malformed UTF-8";
    case Error::TableBadCodePoint: return "Unicode table holds an invalid code point";
  }
  return "unknown font error";
}

Result<Font, Error> parse(Bytes data) {
  if (starts_with(data, kPsf2Magic, sizeof(kPsf2Magic))) return parse_psf2(data);
  if (starts_with(data, kPsf1Magic, sizeof(kPsf1Magic))) return parse_psf1(data);
  if (data.size() < 2) return fail(Error::TooShort);
  return fail(Error::BadMagic);
}

bool MappingReader::next(char32_t& code_point, u32& glyph) {
  if (!font_.has_unicode_table()) return false;
  return font_.version == 1 ? next_psf1(code_point, glyph) : next_psf2(code_point, glyph);
}

bool MappingReader::next_psf1(char32_t& code_point, u32& glyph) {
  Bytes t = font_.unicode_table;
  while (glyph_ < font_.glyph_count && t.contains_range(pos_, 2)) {
    u16 v = load_le<u16>(t.data() + pos_);
    pos_ += 2;
    if (v == kPsf1Separator) {
      ++glyph_;
      in_sequence_ = false;
    } else if (v == kPsf1StartSequence) {
      in_sequence_ = true;
    } else if (!in_sequence_) {
      code_point = v;
      glyph = glyph_;
      return true;
    }
  }
  return false;
}

bool MappingReader::next_psf2(char32_t& code_point, u32& glyph) {
  Bytes t = font_.unicode_table;
  while (glyph_ < font_.glyph_count && pos_ < t.size()) {
    u8 b = t[pos_];
    if (b == kPsf2Separator || b == kPsf2StartSequence) {
      ++pos_;
      if (b == kPsf2Separator)
        ++glyph_, in_sequence_ = false;
      else
        in_sequence_ = true;
      continue;
    }
    auto cp = decode_table_utf8(t, pos_);
    if (!cp) return false;  // cannot happen after parse(); stop rather than loop
    if (!in_sequence_) {
      code_point = cp.value();
      glyph = glyph_;
      return true;
    }
  }
  return false;
}

}  // namespace libk::psf
