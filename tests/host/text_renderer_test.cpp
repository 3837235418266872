// The renderer (libk/text_renderer.hpp) against a reference: an obviously-correct
// per-pixel model of what the screen must show, checked for every pixel format the loader
// reports, with padded pitches, both fonts, after scrolling, and with damage tracking.
#include <catch2/catch.hpp>
#include <sstream>

#include <fonts/embedded_fonts.hpp>
#include <libk/text_console.hpp>

#include "image/host_screen.hpp"

namespace {

using image::HostScreen;

struct Format {
  const char* name;
  libk::PixelPacker packer;
};

const Format kFormats[] = {
    {"BGRX", libk::PixelPacker::bgrx()},
    {"RGBX", libk::PixelPacker::rgbx()},
    {"bitmask 8:8:8 at bits 8/16/24",
     libk::PixelPacker::from_masks({0xFF00, 0xFF0000, 0xFF000000})},
    {"bitmask 5:6:5", libk::PixelPacker::from_masks({0xF800, 0x07E0, 0x001F})},
};

libk::Rgb rgb_of(uint32_t c) { return {uint8_t(c >> 16), uint8_t(c >> 8), uint8_t(c)}; }

// What pixel (px, py) must show, computed from the cell grid and the font directly.
libk::Rgb reference_pixel(const libk::TextConsole& console, uint32_t px, uint32_t py) {
  const libk::psf::Font& font = console.font();
  const libk::Terminal& term = console.terminal();
  const libk::CellGrid& grid = term.grid();
  uint32_t gx = px % font.width, gy = py % font.height;
  uint32_t col = px / font.width, row = py / font.height;
  if (col >= grid.columns() || row >= grid.rows()) return rgb_of(term.theme().background);
  const libk::Cell& cell = grid.at(col, row);
  uint32_t fg = cell.fg, bg = cell.bg;
  if (cell.attrs & libk::kAttrReverse) std::swap(fg, bg);
  if (term.cursor_visible() && col == term.cursor_x() && row == term.cursor_y()) std::swap(fg, bg);
  if (cell.attrs & libk::kAttrConceal)
    fg = bg;
  else if (cell.attrs & libk::kAttrFaint)
    fg = ((fg & 0xFEFEFE) >> 1) + ((bg & 0xFEFEFE) >> 1);
  libk::Bytes glyph = font.glyph(console.glyphs().lookup(cell.code_point));
  auto bit = [&](uint32_t x) {
    return (glyph[gy * font.bytes_per_row + x / 8] >> (7 - x % 8)) & 1;
  };
  bool on = bit(gx) || ((cell.attrs & libk::kAttrBold) && gx > 0 && bit(gx - 1));
  uint32_t thickness = font.height >= 32 ? 2 : 1;
  uint32_t underline = font.height - 1 - font.height / 16, strike = font.height / 2;
  if ((cell.attrs & libk::kAttrUnderline) && gy >= underline && gy < underline + thickness)
    on = true;
  if ((cell.attrs & libk::kAttrStrike) && gy >= strike && gy < strike + thickness) on = true;
  return rgb_of(on ? fg : bg);
}

// Compares every framebuffer pixel with the reference; on a mismatch says where.
std::string compare_with_reference(HostScreen& screen) {
  const auto& packer = screen.config().packer;
  const libk::TextConsole& console = screen.console();
  size_t mismatches = 0;
  std::ostringstream first;
  for (uint32_t y = 0; y < screen.config().height; ++y)
    for (uint32_t x = 0; x < screen.config().width; ++x) {
      uint32_t want = packer.pack(reference_pixel(console, x, y));
      uint32_t got = screen.pixel(x, y);
      if (packer.unpack(got) == packer.unpack(want)) continue;
      if (mismatches++ == 0)
        first << "pixel (" << x << "," << y << ") in cell (" << x / console.font().width << ","
              << y / console.font().height << "): got 0x" << std::hex << got << ", want 0x" << want;
    }
  if (mismatches == 0) return "";
  return std::to_string(mismatches) + " pixels differ; first: " + first.str();
}

const char kSample[] =
    "plain \x1b[1mbold\x1b[22m \x1b[2mfaint\x1b[22m \x1b[4munder\x1b[24m \x1b[9mstrike\x1b[29m "
    "\x1b[7mreverse\x1b[27m \x1b[8mhidden\x1b[28m|\n"
    "\x1b[31mred \x1b[92mbright green \x1b[38;5;208m256:208 \x1b[48;2;40;60;200mtruecolor bg"
    "\x1b[0m\n"
    "Unicode: äöü ß € αβγ ж ─│┌┐└┘ ░▒▓█ and unknown: ✓ \xff\n"
    "\x1b[1;4;35mbold underlined magenta\x1b[0m\tTab\n";

void render_sample(HostScreen& screen, bool cursor) {
  if (cursor) screen.console().write("\x1b[?25h");
  screen.console().write(kSample);
  screen.console().present();
}

HostScreen::Config config_for(const Format& f, const char* font, uint32_t w, uint32_t h,
                              uint32_t pitch) {
  HostScreen::Config c;
  c.width = w;
  c.height = h;
  c.pitch = pitch;
  c.packer = f.packer;
  c.font = font;
  return c;
}

}  // namespace

TEST_CASE("Every pixel matches the reference in every pixel format", "[renderer]") {
  for (const Format& format : kFormats)
    for (const char* font : {"terminus16", "terminus32"})
      for (uint32_t extra_pitch : {0u, 68u}) {
        INFO(format.name << ", " << font << ", pitch padding " << extra_pitch);
        HostScreen screen;
        // 3 and 5 pixels more than whole cells, so there are margins on both sides.
        REQUIRE(screen.init(config_for(format, font, 16 * 30 + 3, 32 * 6 + 5,
                                       (16 * 30 + 3) * 4 + extra_pitch)) == "");
        render_sample(screen, true);
        CHECK(compare_with_reference(screen) == "");
      }
}

TEST_CASE("After many scrolls the screen still matches the reference", "[renderer]") {
  for (const Format& format : {kFormats[0], kFormats[3]}) {
    INFO(format.name);
    HostScreen screen;
    REQUIRE(screen.init(config_for(format, "terminus16", 320, 96, 0)) == "");
    for (int i = 0; i < 50; ++i) {
      screen.console().write(
          (std::string("\x1b[3") + std::to_string(i % 8) + "mline " + std::to_string(i) + "\n")
              .c_str());
      if (i % 7 == 0) screen.console().present();  // present at irregular points
    }
    screen.console().write("\x1b[?25h\x1b[1;1H\x1bM top");  // reverse-scroll at the top too
    screen.console().present();
    CHECK(compare_with_reference(screen) == "");
    CHECK(screen.row_text(1) == "line 45");
  }
}

TEST_CASE("Writing one character copies only that cell to the framebuffer", "[renderer]") {
  HostScreen screen;
  REQUIRE(screen.init(config_for(kFormats[0], "terminus16", 640, 480, 0)) == "");
  render_sample(screen, false);
  auto& fb = screen.framebuffer();
  std::fill(fb.begin(), fb.end(), 0x5A);  // anything the renderer copies shows up
  screen.console().write("\x1b[10;20HQ");
  libk::TextRenderer::Stats stats = screen.console().present();
  CHECK(stats.cells_drawn == 1);
  CHECK_FALSE(stats.full_frame);
  CHECK(stats.bytes_copied == 8 * 4 * 16);
  for (uint32_t y = 0; y < 480; ++y)
    for (uint32_t x = 0; x < 640; ++x) {
      bool in_cell = x >= 19 * 8 && x < 20 * 8 && y >= 9 * 16 && y < 10 * 16;
      if ((screen.pixel(x, y) == 0x5A5A5A5A) == in_cell) {
        FAIL("pixel (" << x << "," << y << ") " << (in_cell ? "not copied" : "copied needlessly"));
      }
    }
}

TEST_CASE("A present with nothing changed copies nothing", "[renderer]") {
  HostScreen screen;
  REQUIRE(screen.init(config_for(kFormats[0], "terminus16", 320, 200, 0)) == "");
  render_sample(screen, false);
  libk::TextRenderer::Stats stats = screen.console().present();
  CHECK(stats.cells_drawn == 0);
  CHECK(stats.bytes_copied == 0);
}

TEST_CASE("A scroll draws one row and copies the frame once", "[renderer]") {
  HostScreen screen;
  REQUIRE(screen.init(config_for(kFormats[0], "terminus16", 640, 480, 0)) == "");
  for (int i = 0; i < 40; ++i) screen.console().write("filler line\n");
  screen.console().present();
  screen.console().write("new line\n");
  libk::TextRenderer::Stats stats = screen.console().present();
  CHECK(stats.full_frame);
  CHECK(stats.bytes_copied == 640u * 480 * 4);
  CHECK(stats.copies <= 2);            // pitch == width * 4: straight runs
  CHECK(stats.cells_drawn <= 2 * 80);  // the last row written and the new blank row
}

TEST_CASE("With a padded pitch the frame is copied line by line, padding untouched", "[renderer]") {
  HostScreen screen;
  REQUIRE(screen.init(config_for(kFormats[0], "terminus16", 64, 32, 64 * 4 + 16)) == "");
  screen.console().write("abc\ndef\nghi\n");
  libk::TextRenderer::Stats stats = screen.console().present();
  CHECK(stats.full_frame);
  CHECK(stats.copies == 32);
  for (uint32_t y = 0; y < 32; ++y)
    for (uint32_t b = 64 * 4; b < 64 * 4 + 16; ++b)
      CHECK(screen.framebuffer()[y * (64 * 4 + 16) + b] == 0xA5);  // HostScreen's fill byte
}

TEST_CASE("Moving or hiding the cursor redraws the cells it left", "[renderer]") {
  HostScreen screen;
  REQUIRE(screen.init(config_for(kFormats[0], "terminus16", 320, 96, 0)) == "");
  screen.console().write("\x1b[?25habc");
  screen.console().present();
  screen.console().write("\x1b[2;5H");
  CHECK(screen.console().present().cells_drawn == 2);
  CHECK(compare_with_reference(screen) == "");
  screen.console().write("\x1b[?25l");
  screen.console().present();
  CHECK(compare_with_reference(screen) == "");
}

TEST_CASE("invalidate() redraws everything, margins included", "[renderer]") {
  HostScreen screen;
  REQUIRE(screen.init(config_for(kFormats[1], "terminus16", 325, 99, 0)) == "");
  render_sample(screen, false);
  std::fill(screen.framebuffer().begin(), screen.framebuffer().end(), 0);
  screen.console().renderer().invalidate(screen.console().terminal());
  screen.console().present();
  CHECK(compare_with_reference(screen) == "");
}

TEST_CASE("Ember picks the 16x32 font from 1600 pixels wide", "[renderer]") {
  CHECK(libk::default_console_font(1280) == "terminus16");
  CHECK(libk::default_console_font(1599) == "terminus16");
  CHECK(libk::default_console_font(1600) == "terminus32");
  CHECK(libk::default_console_font(3840) == "terminus32");
}

TEST_CASE("Console layout fits whole cells and sizes the memory", "[renderer]") {
  auto font = libk::psf::parse(fonts::find("terminus16")->data).value();
  libk::FramebufferView fb{nullptr, 1283, 805, 1283 * 4, libk::PixelPacker::bgrx()};
  auto l = libk::TextConsole::layout(fb, font);
  CHECK(l.columns == 160);
  CHECK(l.rows == 50);
  CHECK(l.shadow_pixels == 1280u * 800);
  CHECK(l.bytes >= l.shadow_pixels * 4 + l.cells * sizeof(libk::Cell));
  fb.width = 7;
  CHECK(libk::TextConsole::layout(fb, font).columns == 0);
}

TEST_CASE("A framebuffer too small for one cell is refused", "[renderer]") {
  HostScreen screen;
  CHECK(screen.init(config_for(kFormats[0], "terminus32", 15, 100, 0)) != "");
}

namespace {

image::HostScreen::Config small_screen() {
  image::HostScreen::Config config;
  config.width = 320;
  config.height = 160;  // 40x10 cells of 8x16
  return config;
}

}  // namespace

TEST_CASE("A view into the scrollback is drawn as the same rows written afresh", "[renderer]") {
  image::HostScreen a, b;
  REQUIRE(a.init(small_screen()) == "");
  REQUIRE(a.attach_scrollback(100));
  std::string lines;
  for (int i = 0; i < 40; ++i)
    lines += "line " + std::to_string(i) + (i % 3 ? "" : " \x1b[7mrev") + "\x1b[m\n";
  a.console().write(libk::StringView(lines.data(), lines.size()));
  a.console().present();
  image::Image live = a.snapshot();
  a.console().terminal().scroll_view(7);
  CHECK(a.console().present().full_frame);
  // b shows the same rows by writing them: the view is drawn row for row, no cursor.
  REQUIRE(b.init(small_screen()) == "");
  std::string rows;
  for (int i = 40 - 9 - 7; i < 40 - 9 - 7 + 10; ++i)  // 10 rows from 7 lines above the screen
    rows += "line " + std::to_string(i) + (i % 3 ? "" : " \x1b[7mrev") + "\x1b[m\n";
  rows.pop_back();
  b.console().write(libk::StringView(rows.data(), rows.size()));
  b.console().present();
  CHECK(a.view_text(0) == "line 24 rev");
  CHECK(a.snapshot().pixels == b.snapshot().pixels);
  // Nothing changes while the view stays; back at the bottom the live screen returns.
  CHECK(a.console().present().bytes_copied == 0);
  a.console().terminal().scroll_view_to_bottom();
  a.console().present();
  CHECK(a.snapshot().pixels == live.pixels);
}
