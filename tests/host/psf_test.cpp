// PSF font parsing (libk/psf.hpp) and the code point -> glyph map (libk/glyph_map.hpp).
#include <catch2/catch.hpp>

#include <fonts/embedded_fonts.hpp>
#include <libk/glyph_map.hpp>
#include <libk/psf.hpp>

#include "console_fixtures.hpp"

using fixtures::bytes_of;
using libk::psf::Error;

namespace {

const std::vector<std::vector<char32_t>> kSmallTable = {
    {U' '}, {U'A', U'a'}, {U'B'}, {U'?'}, {0x2500, 0xFFFD}, {U'é'}, {}, {U'Z'}};

libk::psf::Error parse_error(const std::vector<uint8_t>& font) {
  auto r = libk::psf::parse(bytes_of(font));
  REQUIRE_FALSE(r.ok());
  return r.error();
}

std::vector<std::pair<char32_t, uint32_t>> all_mappings(const libk::psf::Font& font) {
  std::vector<std::pair<char32_t, uint32_t>> out;
  libk::psf::MappingReader reader(font);
  char32_t cp;
  uint32_t g;
  while (reader.next(cp, g)) out.emplace_back(cp, g);
  return out;
}

libk::Bytes embedded(const char* name) {
  const fonts::EmbeddedFont* f = fonts::find(name);
  REQUIRE(f != nullptr);
  return f->data;
}

}  // namespace

TEST_CASE("Debian's Terminus 8x16 parses as a PSF1 font with a Unicode table", "[psf]") {
  auto font = libk::psf::parse(embedded("terminus16"));
  REQUIRE(font.ok());
  CHECK(font.value().version == 1);
  CHECK(font.value().width == 8);
  CHECK(font.value().height == 16);
  CHECK(font.value().glyph_count == 512);
  CHECK(font.value().has_unicode_table());
  CHECK(font.value().mapping_count > 512);
}

TEST_CASE("Debian's Terminus 16x32 parses as a PSF2 font with a Unicode table", "[psf]") {
  auto font = libk::psf::parse(embedded("terminus32"));
  REQUIRE(font.ok());
  CHECK(font.value().version == 2);
  CHECK(font.value().width == 16);
  CHECK(font.value().height == 32);
  CHECK(font.value().bytes_per_row == 2);
  CHECK(font.value().glyph_count == 512);
  CHECK(font.value().has_unicode_table());
}

TEST_CASE("PSF2 header fields and glyph bitmaps are read as written", "[psf]") {
  auto data = fixtures::make_psf2(12, 20, 8, &kSmallTable);
  auto font = libk::psf::parse(bytes_of(data));
  REQUIRE(font.ok());
  const auto& f = font.value();
  CHECK(f.width == 12);
  CHECK(f.height == 20);
  CHECK(f.bytes_per_row == 2);
  CHECK(f.bytes_per_glyph == 40);
  CHECK(f.glyph_count == 8);
  libk::Bytes g5 = f.glyph(5);
  REQUIRE(g5.size() == 40);
  CHECK(g5[0] == fixtures::glyph_byte(5, 0, 0));
  CHECK(g5[39] == fixtures::glyph_byte(5, 19, 1));
  CHECK(f.glyph(8).empty());
  uint32_t expected =
      uint32_t(fixtures::glyph_byte(5, 3, 0)) << 24 | uint32_t(fixtures::glyph_byte(5, 3, 1)) << 16;
  CHECK(f.row_bits(g5, 3) == expected);
}

TEST_CASE("PSF1 with 256 glyphs and no table parses", "[psf]") {
  auto data = fixtures::make_psf1(14, false, nullptr);
  auto font = libk::psf::parse(bytes_of(data));
  REQUIRE(font.ok());
  CHECK(font.value().glyph_count == 256);
  CHECK(font.value().height == 14);
  CHECK_FALSE(font.value().has_unicode_table());
}

TEST_CASE("The Unicode table yields single code points in order, skipping sequences", "[psf]") {
  auto data = fixtures::make_psf2(8, 8, 8, &kSmallTable);
  // Give glyph 6 a combining sequence: 0xFE 'e' U+0301, which must not become a mapping.
  size_t table = 32 + 8 * 8;
  size_t pos = table;
  for (int separators = 0; separators < 6; ++pos)
    if (data[pos] == 0xFF) ++separators;
  data.insert(data.begin() + long(pos), {0xFE, 'e', 0xCC, 0x81});
  auto font = libk::psf::parse(bytes_of(data));
  REQUIRE(font.ok());
  using P = std::pair<char32_t, uint32_t>;
  std::vector<P> expected = {{U' ', 0},   {U'A', 1},   {U'a', 1}, {U'B', 2}, {U'?', 3},
                             {0x2500, 4}, {0xFFFD, 4}, {U'é', 5}, {U'Z', 7}};
  CHECK(all_mappings(font.value()) == expected);
  CHECK(font.value().mapping_count == expected.size());
}

TEST_CASE("PSF1 Unicode tables (u16, 0xFFFE sequences) are read", "[psf]") {
  std::vector<std::vector<char32_t>> table = {{U'x'}, {0x0416, U'y'}};
  auto data = fixtures::make_psf1(8, false, &table);
  auto font = libk::psf::parse(bytes_of(data));
  REQUIRE(font.ok());
  using P = std::pair<char32_t, uint32_t>;
  CHECK(all_mappings(font.value()) == std::vector<P>{{U'x', 0}, {0x0416, 1}, {U'y', 1}});
}

TEST_CASE("Every truncation of a valid font is rejected with an error", "[psf]") {
  for (auto data : {fixtures::make_psf2(10, 12, 8, &kSmallTable),
                    fixtures::make_psf1(6, false, &kSmallTable)}) {
    for (size_t n = 0; n < data.size(); ++n) {
      std::vector<uint8_t> cut(data.begin(), data.begin() + long(n));
      auto r = libk::psf::parse(bytes_of(cut));
      INFO("length " << n << " of " << data.size());
      CHECK_FALSE(r.ok());
    }
    CHECK(libk::psf::parse(bytes_of(data)).ok());
  }
}

TEST_CASE("Fonts with a wrong header are rejected with the specific error", "[psf]") {
  auto good = fixtures::make_psf2(8, 16, 8, &kSmallTable);
  auto with = [&](size_t offset, uint32_t value) {
    auto f = good;
    for (int i = 0; i < 4; ++i) f[offset + size_t(i)] = uint8_t(value >> (8 * i));
    return f;
  };
  CHECK(parse_error({0x12, 0x34, 0x56, 0x78, 0, 0, 0, 0}) == Error::BadMagic);
  CHECK(parse_error({0x72}) == Error::TooShort);
  CHECK(parse_error({0x72, 0xB5, 0x4A, 0x86, 0, 0}) == Error::TooShort);
  CHECK(parse_error(with(4, 1)) == Error::UnsupportedVersion);
  CHECK(parse_error(with(8, 16)) == Error::BadHeaderSize);
  CHECK(parse_error(with(8, 0xFFFFFFF0)) == Error::BadHeaderSize);
  CHECK(parse_error(with(16, 0)) == Error::ZeroSize);
  CHECK(parse_error(with(24, 0)) == Error::ZeroSize);
  CHECK(parse_error(with(28, 33)) == Error::GlyphTooLarge);
  CHECK(parse_error(with(24, 65)) == Error::GlyphTooLarge);
  CHECK(parse_error(with(16, 70000)) == Error::TooManyGlyphs);
  CHECK(parse_error(with(20, 17)) == Error::CharsizeMismatch);
  CHECK(parse_error(with(16, 0x10000)) == Error::GlyphsPastEnd);    // 65536 * 16 bytes: not there
  CHECK(parse_error({0x36, 0x04, 0x00, 0x00}) == Error::ZeroSize);  // PSF1 with 0-row glyphs
  CHECK(parse_error({0x36, 0x04, 0x00, 0x41}) == Error::GlyphTooLarge);
}

TEST_CASE("Malformed Unicode tables are rejected", "[psf]") {
  auto font_with_table_bytes = [](std::vector<uint8_t> table) {
    auto f = fixtures::make_psf2(8, 4, 2, nullptr);
    f[12] = 1;  // has table
    f.insert(f.end(), table.begin(), table.end());
    return f;
  };
  CHECK(parse_error(font_with_table_bytes({'a', 0xFF})) == Error::TableTruncated);  // 1 of 2
  CHECK(parse_error(font_with_table_bytes({0xC3, 0xFF, 0xFF})) == Error::TableBadUtf8);
  CHECK(parse_error(font_with_table_bytes({0x80, 0xFF, 0xFF})) == Error::TableBadUtf8);
  CHECK(parse_error(font_with_table_bytes({0xC0, 0x80, 0xFF, 0xFF})) == Error::TableBadUtf8);
  CHECK(parse_error(font_with_table_bytes({0xED, 0xA0, 0x80, 0xFF, 0xFF})) ==
        Error::TableBadCodePoint);  // a UTF-16 surrogate
  CHECK(parse_error(font_with_table_bytes({0xF4, 0x90, 0x80, 0x80, 0xFF, 0xFF})) ==
        Error::TableBadCodePoint);  // above U+10FFFF
  CHECK(parse_error(font_with_table_bytes({0xE2, 0x94})) == Error::TableTruncated);
  CHECK(libk::psf::parse(bytes_of(font_with_table_bytes({0xE2, 0x94, 0x80, 0xFF, 0xFF}))).ok());

  auto psf1 = fixtures::make_psf1(2, false, nullptr);
  psf1[2] = 2;  // has table, but none follows
  CHECK(parse_error(psf1) == Error::TableTruncated);
  for (int g = 0; g < 256; ++g) psf1.insert(psf1.end(), {0x00, 0xD8, 0xFF, 0xFF});
  CHECK(parse_error(psf1) == Error::TableBadCodePoint);
}

TEST_CASE("A PSF2 table is decoded strictly: what a terminal would replace is an error", "[psf]") {
  auto font_with_table_bytes = [](std::vector<uint8_t> table) {
    auto f = fixtures::make_psf2(8, 4, 2, nullptr);
    f[12] = 1;  // has table
    f.insert(f.end(), table.begin(), table.end());
    return f;
  };
  // A sequence cut short by the table's own separator or sequence marker.
  CHECK(parse_error(font_with_table_bytes({0xE2, 0x82, 0xFF, 0xFF})) == Error::TableBadUtf8);
  CHECK(parse_error(font_with_table_bytes({0xF0, 0x9F, 0xFE, 0xFF, 0xFF})) == Error::TableBadUtf8);
  CHECK(parse_error(font_with_table_bytes({0xE0, 0x80, 0x80, 0xFF, 0xFF})) ==
        Error::TableBadUtf8);  // overlong
  CHECK(parse_error(font_with_table_bytes({0xF5, 0x80, 0x80, 0x80, 0xFF, 0xFF})) ==
        Error::TableBadUtf8);
  CHECK(parse_error(font_with_table_bytes({'a', 0xFF, 0xED, 0xBF, 0xBF, 0xFF})) ==
        Error::TableBadCodePoint);  // in the second glyph's entry

  // U+FFFD spelled out is a mapping like any other; so is a four-byte sequence.
  auto data = font_with_table_bytes({0xEF, 0xBF, 0xBD, 0xFF, 0xF0, 0x9F, 0x98, 0x80, 0xFF});
  auto font = libk::psf::parse(bytes_of(data));
  REQUIRE(font.ok());
  using P = std::pair<char32_t, uint32_t>;
  CHECK(all_mappings(font.value()) == std::vector<P>{{0xFFFD, 0}, {0x1F600, 1}});
}

TEST_CASE("Every error has a description", "[psf]") {
  for (int e = 0; e <= int(Error::TableBadCodePoint); ++e)
    CHECK(libk::psf::error_text(Error(e)).size() > 10);
}

TEST_CASE("The glyph map finds each mapped code point's glyph", "[glyph_map]") {
  auto data = fixtures::make_psf2(8, 8, 8, &kSmallTable);
  auto font = libk::psf::parse(bytes_of(data)).value();
  std::vector<libk::GlyphMap::Entry> storage(libk::GlyphMap::entries_needed(font));
  libk::GlyphMap map;
  map.init(font, {storage.data(), storage.size()});
  CHECK(map.lookup(U'A') == 1);
  CHECK(map.lookup(U'a') == 1);
  CHECK(map.lookup(U'B') == 2);
  CHECK(map.lookup(0x2500) == 4);
  CHECK(map.lookup(U'é') == 5);
  CHECK(map.lookup(U'Z') == 7);
  CHECK(map.contains(U'Z'));
  CHECK_FALSE(map.contains(U'q'));
}

TEST_CASE("Unknown code points get the font's U+FFFD glyph", "[glyph_map]") {
  auto data = fixtures::make_psf2(8, 8, 8, &kSmallTable);
  auto font = libk::psf::parse(bytes_of(data)).value();
  std::vector<libk::GlyphMap::Entry> storage(libk::GlyphMap::entries_needed(font));
  libk::GlyphMap map;
  map.init(font, {storage.data(), storage.size()});
  CHECK(map.replacement_glyph() == 4);
  CHECK(map.lookup(U'q') == 4);     // Latin-1 fast path
  CHECK(map.lookup(0x1F600) == 4);  // emoji: binary search misses
  CHECK(map.lookup(0x10FFFF) == 4);
}

TEST_CASE("Without U+FFFD the replacement is '?', without '?' glyph 0", "[glyph_map]") {
  std::vector<std::vector<char32_t>> no_fffd = {{U'x'}, {U'?'}};
  auto data = fixtures::make_psf2(8, 8, 2, &no_fffd);
  auto font = libk::psf::parse(bytes_of(data)).value();
  std::vector<libk::GlyphMap::Entry> storage(8);
  libk::GlyphMap map;
  map.init(font, {storage.data(), storage.size()});
  CHECK(map.lookup(U'w') == 1);
  std::vector<std::vector<char32_t>> bare = {{U'x'}, {U'y'}};
  data = fixtures::make_psf2(8, 8, 2, &bare);
  font = libk::psf::parse(bytes_of(data)).value();
  map.init(font, {storage.data(), storage.size()});
  CHECK(map.lookup(U'w') == 0);
  CHECK(map.lookup(U'y') == 1);
}

TEST_CASE("When a code point is listed twice, the first glyph wins", "[glyph_map]") {
  std::vector<std::vector<char32_t>> dup;
  for (int g = 0; g < 40; ++g) dup.push_back({char32_t(0x400 + g % 7)});
  auto data = fixtures::make_psf2(8, 8, 40, &dup);
  auto font = libk::psf::parse(bytes_of(data)).value();
  std::vector<libk::GlyphMap::Entry> storage(libk::GlyphMap::entries_needed(font));
  libk::GlyphMap map;
  map.init(font, {storage.data(), storage.size()});
  for (int k = 0; k < 7; ++k) CHECK(map.lookup(char32_t(0x400 + k)) == uint32_t(k));
}

TEST_CASE("A font without a table maps code point i to glyph i", "[glyph_map]") {
  auto data = fixtures::make_psf1(8, true, nullptr);
  auto font = libk::psf::parse(bytes_of(data)).value();
  libk::GlyphMap map;
  map.init(font, {});
  CHECK(map.lookup(U'A') == 65);
  CHECK(map.lookup(0x1FF) == 0x1FF);
  CHECK(map.lookup(0x200) == map.replacement_glyph());
}

TEST_CASE("Terminus maps ASCII, Latin-1, box drawing and U+FFFD", "[glyph_map]") {
  auto font = libk::psf::parse(embedded("terminus16")).value();
  std::vector<libk::GlyphMap::Entry> storage(libk::GlyphMap::entries_needed(font));
  libk::GlyphMap map;
  map.init(font, {storage.data(), storage.size()});
  for (char32_t cp : {U'A', U'z', U'~', U'ä', U'ß', char32_t(0x2500), char32_t(0x2588),
                      char32_t(0x20AC), char32_t(0xFFFD)})
    CHECK(map.contains(cp));
  CHECK_FALSE(map.contains(0x2713));  // ✓ is not in Uni2
  CHECK(map.lookup(0x2713) == map.lookup(0xFFFD));
  CHECK(map.lookup(U'A') != map.lookup(U'B'));
}
