// SGR (Select Graphic Rendition) in the terminal: attributes, the 16 ANSI colours, the
// bright colours, 256 colours and truecolor, in both the ';' and ':' forms.
#include <catch2/catch.hpp>

#include "console_fixtures.hpp"

using fixtures::TestTerminal;
using libk::kEmberTheme;

namespace {

// The cell written after `sgr`.
libk::Cell cell_after(const std::string& sgr) {
  TestTerminal t(4, 1, fixtures::vt_options());
  t.write(sgr + "x");
  return t.at(0, 0);
}

}  // namespace

TEST_CASE("SGR attributes set and reset independently", "[terminal][sgr]") {
  using namespace libk;
  constexpr uint32_t kAll = kAttrBold | kAttrFaint | kAttrItalic | kAttrUnderline | kAttrBlink |
                            kAttrReverse | kAttrConceal | kAttrStrike;
  struct Case {
    const char* on;
    uint32_t set;
    const char* off;
    uint32_t cleared;
  } cases[] = {
      {"1", kAttrBold, "22", kAttrBold | kAttrFaint},
      {"2", kAttrFaint, "22", kAttrBold | kAttrFaint},
      {"3", kAttrItalic, "23", kAttrItalic},
      {"4", kAttrUnderline, "24", kAttrUnderline},
      {"21", kAttrUnderline, "24", kAttrUnderline},
      {"5", kAttrBlink, "25", kAttrBlink},
      {"6", kAttrBlink, "25", kAttrBlink},
      {"7", kAttrReverse, "27", kAttrReverse},
      {"8", kAttrConceal, "28", kAttrConceal},
      {"9", kAttrStrike, "29", kAttrStrike},
  };
  for (const Case& c : cases) {
    INFO("SGR " << c.on << " / " << c.off);
    CHECK(cell_after(std::string("\x1b[") + c.on + "m").attrs == c.set);
    CHECK(cell_after(std::string("\x1b[1;2;3;4;5;7;8;9m\x1b[") + c.off + "m").attrs ==
          (kAll & ~c.cleared));
  }
}

TEST_CASE("SGR 0 and an empty SGR reset everything", "[terminal][sgr]") {
  for (const char* reset : {"\x1b[0m", "\x1b[m"}) {
    libk::Cell c = cell_after(std::string("\x1b[1;4;31;42m") + reset);
    CHECK(c.attrs == 0);
    CHECK(c.fg == kEmberTheme.foreground);
    CHECK(c.bg == kEmberTheme.background);
  }
}

TEST_CASE("SGR 30-37 / 40-47 select the 8 colours, 90-97 / 100-107 the bright ones",
          "[terminal][sgr]") {
  for (uint32_t i = 0; i < 8; ++i) {
    CHECK(cell_after("\x1b[" + std::to_string(30 + i) + "m").fg == kEmberTheme.ansi[i]);
    CHECK(cell_after("\x1b[" + std::to_string(40 + i) + "m").bg == kEmberTheme.ansi[i]);
    CHECK(cell_after("\x1b[" + std::to_string(90 + i) + "m").fg == kEmberTheme.ansi[8 + i]);
    CHECK(cell_after("\x1b[" + std::to_string(100 + i) + "m").bg == kEmberTheme.ansi[8 + i]);
  }
}

TEST_CASE("SGR 39 and 49 restore the default colours", "[terminal][sgr]") {
  libk::Cell c = cell_after("\x1b[31;41;1m\x1b[39m");
  CHECK(c.fg == kEmberTheme.foreground);
  CHECK(c.bg == kEmberTheme.ansi[1]);
  CHECK(c.attrs == libk::kAttrBold);
  CHECK(cell_after("\x1b[31;41m\x1b[49m").bg == kEmberTheme.background);
}

TEST_CASE("256 colours: the theme, the 6x6x6 cube and the grey ramp", "[terminal][sgr]") {
  CHECK(cell_after("\x1b[38;5;1m").fg == kEmberTheme.ansi[1]);
  CHECK(cell_after("\x1b[38;5;15m").fg == kEmberTheme.ansi[15]);
  CHECK(cell_after("\x1b[38;5;16m").fg == 0x000000);
  CHECK(cell_after("\x1b[38;5;196m").fg == 0xFF0000);  // 16 + 36 * 5
  CHECK(cell_after("\x1b[38;5;46m").fg == 0x00FF00);   // 16 + 6 * 5
  CHECK(cell_after("\x1b[38;5;21m").fg == 0x0000FF);
  CHECK(cell_after("\x1b[38;5;110m").fg == 0x87AFD7);  // 16 + 36*2 + 6*3 + 4
  CHECK(cell_after("\x1b[38;5;231m").fg == 0xFFFFFF);
  CHECK(cell_after("\x1b[38;5;232m").fg == 0x080808);
  CHECK(cell_after("\x1b[38;5;255m").fg == 0xEEEEEE);
  CHECK(cell_after("\x1b[48;5;208m").bg == 0xFF8700);
  CHECK(cell_after("\x1b[38:5:208m").fg == 0xFF8700);
}

TEST_CASE("Truecolor foreground and background, ';' and ':' forms", "[terminal][sgr]") {
  CHECK(cell_after("\x1b[38;2;1;2;3m").fg == 0x010203);
  CHECK(cell_after("\x1b[48;2;255;128;0m").bg == 0xFF8000);
  CHECK(cell_after("\x1b[38:2:10:20:30m").fg == 0x0A141E);
  CHECK(cell_after("\x1b[38:2::10:20:30m").fg == 0x0A141E);   // empty colour space id
  CHECK(cell_after("\x1b[48:2:0:10:20:30m").bg == 0x0A141E);  // colour space id 0
}

TEST_CASE("Parameters after an extended colour still apply", "[terminal][sgr]") {
  libk::Cell c = cell_after("\x1b[38;2;1;2;3;4;48;5;196;1m");
  CHECK(c.fg == 0x010203);
  CHECK(c.bg == 0xFF0000);
  CHECK(c.attrs == (libk::kAttrUnderline | libk::kAttrBold));
  c = cell_after("\x1b[38:5:21;7m");
  CHECK(c.fg == 0x0000FF);
  CHECK(c.attrs == libk::kAttrReverse);
}

TEST_CASE("Malformed extended colours are ignored without eating other state", "[terminal][sgr]") {
  CHECK(cell_after("\x1b[38;5;256m").fg == kEmberTheme.foreground);
  CHECK(cell_after("\x1b[38;2;300;0;0m").fg == kEmberTheme.foreground);
  CHECK(cell_after("\x1b[38;2;1;2m").fg == kEmberTheme.foreground);  // too few
  CHECK(cell_after("\x1b[38m").fg == kEmberTheme.foreground);
  CHECK(cell_after("\x1b[38;9;1m").attrs == libk::kAttrBold);  // unknown kind 9
  CHECK(cell_after("\x1b[48;5m").bg == kEmberTheme.background);
  CHECK(cell_after("\x1b[58;2;1;2;3;4m").attrs == libk::kAttrUnderline);  // underline colour
}

TEST_CASE("Underline sub-parameters: 4:0 turns it off, other styles on", "[terminal][sgr]") {
  CHECK(cell_after("\x1b[4:3m").attrs == libk::kAttrUnderline);
  CHECK(cell_after("\x1b[4m\x1b[4:0m").attrs == 0);
}

TEST_CASE("Unknown SGR parameters are ignored", "[terminal][sgr]") {
  libk::Cell c = cell_after("\x1b[31;73;999;1m");
  CHECK(c.fg == kEmberTheme.ansi[1]);
  CHECK(c.attrs == libk::kAttrBold);
}
