// Shared fixtures for the console tests: synthetic PSF fonts and a terminal on a small grid.
#pragma once

#include <catch2/catch.hpp>
#include <string>
#include <string_view>
#include <vector>

#include <libk/cell_grid.hpp>
#include <libk/psf.hpp>
#include <libk/terminal.hpp>
#include <libk/utf8.hpp>

namespace fixtures {

inline void put_le32(std::vector<uint8_t>& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(uint8_t(v >> (8 * i)));
}

// Glyph g, row y, byte b of a synthetic font: a pattern that differs between glyphs.
inline uint8_t glyph_byte(uint32_t g, uint32_t y, uint32_t b) {
  return uint8_t((g * 7 + y * 3 + b * 5 + 1) ^ (g >> 3));
}

// PSF2: `mappings[g]` lists the code points of glyph g (nullptr table: no table).
inline std::vector<uint8_t> make_psf2(uint32_t width, uint32_t height, uint32_t count,
                                      const std::vector<std::vector<char32_t>>* mappings) {
  std::vector<uint8_t> f = {0x72, 0xB5, 0x4A, 0x86};
  uint32_t row_bytes = (width + 7) / 8;
  put_le32(f, 0);   // version
  put_le32(f, 32);  // header size
  put_le32(f, mappings ? 1 : 0);
  put_le32(f, count);
  put_le32(f, height * row_bytes);
  put_le32(f, height);
  put_le32(f, width);
  for (uint32_t g = 0; g < count; ++g)
    for (uint32_t y = 0; y < height; ++y)
      for (uint32_t b = 0; b < row_bytes; ++b) f.push_back(glyph_byte(g, y, b));
  if (mappings) {
    for (uint32_t g = 0; g < count; ++g) {
      if (g < mappings->size())
        for (char32_t cp : (*mappings)[g]) {
          char buf[4];
          size_t n = libk::encode_utf8(cp, buf);
          f.insert(f.end(), buf, buf + n);
        }
      f.push_back(0xFF);
    }
  }
  return f;
}

// PSF1 (8 pixels wide; 256 or 512 glyphs).
inline std::vector<uint8_t> make_psf1(uint32_t height, bool glyphs512,
                                      const std::vector<std::vector<char32_t>>* mappings) {
  uint32_t count = glyphs512 ? 512 : 256;
  std::vector<uint8_t> f = {0x36, 0x04, uint8_t((glyphs512 ? 1 : 0) | (mappings ? 2 : 0)),
                            uint8_t(height)};
  for (uint32_t g = 0; g < count; ++g)
    for (uint32_t y = 0; y < height; ++y) f.push_back(glyph_byte(g, y, 0));
  if (mappings) {
    for (uint32_t g = 0; g < count; ++g) {
      if (g < mappings->size())
        for (char32_t cp : (*mappings)[g]) f.insert(f.end(), {uint8_t(cp), uint8_t(cp >> 8)});
      f.insert(f.end(), {0xFF, 0xFF});
    }
  }
  return f;
}

inline libk::Bytes bytes_of(const std::vector<uint8_t>& v) { return {v.data(), v.size()}; }

// A terminal on a small grid, with helpers to read it back as text.
struct TestTerminal {
  explicit TestTerminal(uint32_t columns, uint32_t rows,
                        libk::Terminal::Options options = libk::Terminal::Options(),
                        uint32_t scrollback_lines = 0)
      : cells(size_t(columns) * rows),
        damage(rows),
        alternate(size_t(columns) * rows),
        history(size_t(columns) * (scrollback_lines ? scrollback_lines : 1)) {
    libk::Cell blank{U' ', options.theme.foreground, options.theme.background, 0};
    bool ok = grid.init({cells.data(), cells.size()}, {damage.data(), damage.size()}, columns, rows,
                        blank);
    REQUIRE(ok);
    libk::Terminal::Storage storage{{alternate.data(), alternate.size()}, nullptr};
    if (scrollback_lines > 0) {
      REQUIRE(scrollback.init({history.data(), history.size()}, columns, scrollback_lines));
      storage.scrollback = &scrollback;
    }
    term.init(grid, options, storage);
  }
  TestTerminal(const TestTerminal&) = delete;

  void write(std::string_view s) { term.write(libk::StringView(s.data(), s.size())); }

  std::string row(uint32_t y) const {
    struct Out final : libk::Sink {
      std::string s;
      void write(libk::StringView t) override { s.append(t.data(), t.size()); }
    } out;
    grid.write_row_text(y, out);
    return out.s;
  }
  std::string screen() const {
    std::string s;
    for (uint32_t y = 0; y < grid.rows(); ++y) s += row(y) + "|";
    return s;
  }
  const libk::Cell& at(uint32_t x, uint32_t y) const { return grid.at(x, y); }
  uint32_t x() const { return term.cursor_x(); }
  uint32_t y() const { return term.cursor_y(); }

  // Replies the terminal queued (DSR, DA), taken from it.
  std::string replies() {
    char buf[libk::Terminal::kReplyCapacity];
    return std::string(buf, term.take_replies(buf, sizeof(buf)));
  }
  // Row y of the view (scrollback included) as text.
  std::string view_row(uint32_t y) const {
    struct Out final : libk::Sink {
      std::string s;
      void write(libk::StringView t) override { s.append(t.data(), t.size()); }
    } out;
    libk::CellGrid::write_cells_text(term.view_row(y), grid.columns(), out);
    return out.s;
  }

  std::vector<libk::Cell> cells;
  std::vector<libk::RowDamage> damage;
  std::vector<libk::Cell> alternate;
  std::vector<libk::Cell> history;
  libk::CellGrid grid;
  libk::Scrollback scrollback;
  libk::Terminal term;
};

// Options for testing raw VT behaviour: LF does not imply CR.
inline libk::Terminal::Options vt_options() {
  libk::Terminal::Options o;
  o.newline_mode = false;
  return o;
}

}  // namespace fixtures
