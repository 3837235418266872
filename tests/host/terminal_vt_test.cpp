// The terminal's xterm subset beyond plain text: scroll regions, insert/delete, tab stops,
// origin and insert modes, the alternate screen, character sets, wide and combining
// characters, replies and the scrollback view (libk/terminal.hpp).
#include <catch2/catch.hpp>

#include "console_fixtures.hpp"

using fixtures::TestTerminal;
using fixtures::vt_options;

namespace {

// Rows "a", "b", "c", ... one letter per row.
void letter_rows(TestTerminal& t) {
  for (uint32_t y = 0; y < t.grid.rows(); ++y) {
    char text[16];
    std::snprintf(text, sizeof(text), "\x1b[%u;1H%c", y + 1, char('a' + y));
    t.write(text);
  }
}

}  // namespace

TEST_CASE("A horizontal tab at the right margin keeps the pending wrap", "[terminal][vt]") {
  TestTerminal t(10, 3, vt_options());
  t.write("\x1b[1;10H\tX\tY");
  CHECK(t.row(0) == "         X");
  CHECK(t.row(1) == "Y");
}

TEST_CASE("DECSTBM: LF at the bottom margin scrolls only the region", "[terminal][vt]") {
  TestTerminal t(4, 5, vt_options());
  letter_rows(t);
  t.write("\x1b[2;4r");  // rows 2-4; the cursor goes home
  CHECK((t.x() == 0 && t.y() == 0));
  t.write("\x1b[4;1H\nX");
  CHECK(t.screen() == "a|c|d|X|e|");
}

TEST_CASE("RI at the top margin scrolls the region down", "[terminal][vt]") {
  TestTerminal t(4, 5, vt_options());
  letter_rows(t);
  t.write("\x1b[2;4r\x1b[2;1H\x1bMX");
  CHECK(t.screen() == "a|X|b|c|e|");
}

TEST_CASE("Outside the region LF stops at the last row without scrolling", "[terminal][vt]") {
  TestTerminal t(4, 5, vt_options());
  letter_rows(t);
  t.write("\x1b[2;3r\x1b[5;1H\n\nX");
  CHECK(t.screen() == "a|b|c|d|X|");
}

TEST_CASE("A region of one line is refused", "[terminal][vt]") {
  TestTerminal t(4, 5, vt_options());
  t.write("\x1b[3;3H\x1b[2;2r");
  CHECK((t.x() == 2 && t.y() == 2));  // nothing happened, not even the move home
  CHECK(t.term.scroll_bottom() == 4);
}

TEST_CASE("IL and DL work from the cursor's row to the bottom margin", "[terminal][vt]") {
  TestTerminal t(4, 6, vt_options());
  letter_rows(t);
  t.write("\x1b[1;5r\x1b[2;3H\x1b[2L");
  CHECK(t.screen() == "a|||b|c|f|");
  CHECK(t.x() == 0);
  t.write("\x1b[3M");
  CHECK(t.screen() == "a|c||||f|");
}

TEST_CASE("IL outside the scroll region does nothing", "[terminal][vt]") {
  TestTerminal t(4, 5, vt_options());
  letter_rows(t);
  t.write("\x1b[2;3r\x1b[5;2H\x1b[L");
  CHECK(t.screen() == "a|b|c|d|e|");
}

TEST_CASE("ICH and DCH shift the rest of the line", "[terminal][vt]") {
  TestTerminal t(8, 1, vt_options());
  t.write("abcdefgh\x1b[1;3H\x1b[2@");
  CHECK(t.row(0) == "ab  cdef");
  t.write("\x1b[3P");
  CHECK(t.row(0) == "abdef");
}

TEST_CASE("ECH erases without moving; REP repeats the last character", "[terminal][vt]") {
  TestTerminal t(10, 1, vt_options());
  t.write("abcdef\x1b[1;2H\x1b[2X");
  CHECK(t.row(0) == "a  def");
  t.write("\x1b[1;7Hx\x1b[3b");
  CHECK(t.row(0) == "a  defxxxx");
}

TEST_CASE("HPA, VPR, HPR and VPA position the cursor", "[terminal][vt]") {
  TestTerminal t(10, 6, vt_options());
  t.write("\x1b[5`");
  CHECK(t.x() == 4);
  t.write("\x1b[2e\x1b[3a");
  CHECK((t.x() == 7 && t.y() == 2));
  t.write("\x1b[6d");
  CHECK(t.y() == 5);
}

TEST_CASE("Tab stops: HTS sets, TBC clears, CHT and CBT move by stops", "[terminal][vt]") {
  TestTerminal t(40, 1, vt_options());
  t.write("\x1b[3g\x1b[1;4H\x1bH\x1b[1;11H\x1bH\x1b[1;1H\tA\tB");
  CHECK(t.row(0) == "   A      B");
  t.write("\x1b[2Z");
  CHECK(t.x() == 3);
  t.write("\x1b[I");
  CHECK(t.x() == 10);
  t.write("\x1b[g\x1b[1;1H\x1b[2I");
  CHECK(t.x() == 39);  // no stop left after column 3: the last column
}

TEST_CASE("Origin mode makes CUP relative to the region and keeps it inside", "[terminal][vt]") {
  TestTerminal t(10, 6, vt_options());
  t.write("\x1b[2;4r\x1b[?6h");
  CHECK((t.x() == 0 && t.y() == 1));
  t.write("\x1b[2;3H");
  CHECK((t.x() == 2 && t.y() == 2));
  t.write("\x1b[9;1H");
  CHECK(t.y() == 3);
  t.write("\x1b[6n");
  CHECK(t.replies() == "\x1b[3;1R");
}

TEST_CASE("Insert mode pushes the line right", "[terminal][vt]") {
  TestTerminal t(8, 1, vt_options());
  t.write("abcdef\x1b[1;2H\x1b[4hXY\x1b[4lZ");
  CHECK(t.row(0) == "aXYZcdef");
}

TEST_CASE("Autowrap off: characters at the margin overwrite the last column", "[terminal][vt]") {
  TestTerminal t(4, 2, vt_options());
  t.write("\x1b[?7labcdef\x1b[?7h");
  CHECK(t.screen() == "abcf||");
}

TEST_CASE("DEC special graphics draw lines; SO/SI switch G1 and G0", "[terminal][vt]") {
  TestTerminal t(10, 2, vt_options());
  t.write("\x1b(0lqqk\x1b(B x\r\n\x1b)0\x0eq\x0fq");
  CHECK(t.row(0) == "┌──┐ x");
  CHECK(t.row(1) == "─q");
}

TEST_CASE("DECSC/DECRC save and restore the character set and origin mode", "[terminal][vt]") {
  TestTerminal t(10, 6, vt_options());
  t.write(
      "\x1b(0\x1b[2;5r\x1b[?6h\x1b"
      "7\x1b(B\x1b[?6l\x1b"
      "8q");
  CHECK(t.row(1) == "─");
  t.write("\x1b[1;1Hq");
  CHECK(t.row(1) == "─");  // origin mode is back: row 1 of the region is screen row 2
}

TEST_CASE("The alternate screen keeps the normal screen and its cursor (1049)", "[terminal][vt]") {
  TestTerminal t(6, 3, vt_options());
  t.write("shell\r\n$ \x1b[?1049h");
  CHECK(t.term.alternate_screen());
  CHECK(t.screen() == "|||");
  t.write("\x1b[Hvim");
  CHECK(t.row(0) == "vim");
  t.write("\x1b[?1049l");
  CHECK(t.screen() == "shell|$||");
  CHECK((t.x() == 2 && t.y() == 1));
}

TEST_CASE("Modes 47 and 1047 switch screens; 1047 clears the alternate one on leaving",
          "[terminal][vt]") {
  TestTerminal t(6, 2, vt_options());
  t.write("main\x1b[?47hALT\x1b[?47l");
  CHECK(t.row(0) == "main");
  t.write("\x1b[?47h");
  CHECK(t.row(0) == "    AL");  // the alternate screen kept its text (and its cell at 4-5)
  t.write("\x1b[?47l\x1b[?1047h\x1b[?1047l\x1b[?47h");
  CHECK(t.row(0) == "");
}

TEST_CASE("Lines scrolled off the screen go to the scrollback; the view looks back",
          "[terminal][vt][scrollback]") {
  TestTerminal t(8, 3, vt_options(), 10);
  for (int i = 0; i < 6; ++i) t.write("line " + std::to_string(i) + "\r\n");
  CHECK(t.scrollback.size() == 4);
  CHECK(t.screen() == "line 4|line 5||");
  t.term.scroll_view(2);
  CHECK(t.view_row(0) == "line 2");
  CHECK(t.view_row(1) == "line 3");
  CHECK(t.view_row(2) == "line 4");
  t.term.scroll_view(100);
  CHECK(t.term.view_offset() == 4);
  CHECK(t.view_row(0) == "line 0");
  CHECK(t.screen() == "line 4|line 5||");  // the screen itself is untouched
  t.write("x");
  CHECK(t.term.view_offset() == 0);  // output returns to the bottom
}

TEST_CASE("The scrollback keeps the newest lines when full and not the alternate screen's",
          "[terminal][vt][scrollback]") {
  TestTerminal t(8, 2, vt_options(), 3);
  for (int i = 0; i < 10; ++i) t.write("n" + std::to_string(i) + "\r\n");
  REQUIRE(t.scrollback.size() == 3);
  t.term.scroll_view_to_top();
  CHECK(t.view_row(0) == "n6");
  t.write("\x1b[?1049h\r\nx\r\ny\r\nz\r\n");
  CHECK(t.scrollback.size() == 3);
  t.term.scroll_view_to_top();
  CHECK(t.view_row(0) == "n6");
  t.write("\x1b[?1049l\x1b[3J");
  CHECK(t.scrollback.size() == 0);
}

TEST_CASE("A region that is not the whole screen does not feed the scrollback",
          "[terminal][vt][scrollback]") {
  TestTerminal t(8, 4, vt_options(), 10);
  t.write("\x1b[1;3r\x1b[3;1H\n\n\n");
  CHECK(t.scrollback.size() == 0);
}

TEST_CASE("A wide character takes two cells", "[terminal][vt][wide]") {
  TestTerminal t(6, 2, vt_options());
  t.write("a日b");
  CHECK(t.x() == 4);
  CHECK(t.at(1, 0).code_point == U'日');
  CHECK(t.at(1, 0).attrs & libk::kAttrWide);
  CHECK(t.at(2, 0).attrs & libk::kAttrWideTail);
  CHECK(t.row(0) == "a日b");
}

TEST_CASE("A wide character at the last column wraps first", "[terminal][vt][wide]") {
  TestTerminal t(5, 2, vt_options());
  t.write("abcd日");
  CHECK(t.row(0) == "abcd");
  CHECK(t.row(1) == "日");
  CHECK((t.x() == 2 && t.y() == 1));
}

TEST_CASE("Overwriting half of a wide character blanks the other half", "[terminal][vt][wide]") {
  TestTerminal t(6, 1, vt_options());
  t.write("日本\x1b[1;2Hx");
  CHECK(t.row(0) == " x本");
  t.write("\x1b[1;3Hy");
  CHECK(t.row(0) == " xy");
  CHECK_FALSE(t.at(3, 0).attrs & libk::kAttrWideTail);
}

TEST_CASE("Deleting into a wide character leaves no half behind", "[terminal][vt][wide]") {
  TestTerminal t(6, 1, vt_options());
  t.write("a日b\x1b[1;3H\x1b[P");
  CHECK(t.row(0) == "a b");
  for (uint32_t x = 0; x < 6; ++x) CHECK_FALSE(t.at(x, 0).attrs & libk::kAttrWideTail);
}

TEST_CASE("A combining mark joins the character before it", "[terminal][vt][combining]") {
  TestTerminal t(6, 1, vt_options());
  t.write("e\xCC\x81x");  // e + U+0301 COMBINING ACUTE ACCENT
  CHECK(t.at(0, 0).code_point == U'e');
  CHECK(t.at(0, 0).mark == U'\u0301');
  CHECK(t.x() == 2);
  CHECK(t.row(0) == "e\xCC\x81x");
  t.write("\x1b[1;1H\xCC\x80");  // at column 0 there is nothing to join: dropped
  CHECK(t.at(0, 0).mark == U'\u0301');
}

TEST_CASE("DSR and DA are answered through the reply queue", "[terminal][vt]") {
  TestTerminal t(10, 5, vt_options());
  t.write("\x1b[3;7H\x1b[6n\x1b[5n\x1b[c\x1b[>c");
  CHECK(t.replies() == "\x1b[3;7R\x1b[0n\x1b[?62;22c\x1b[>1;10;0c");
  CHECK(t.replies().empty());
}

TEST_CASE("A full reply queue drops whole replies", "[terminal][vt]") {
  TestTerminal t(10, 5, vt_options());
  for (int i = 0; i < 40; ++i) t.write("\x1b[6n");
  std::string r = t.replies();
  CHECK(r.size() == (libk::Terminal::kReplyCapacity / 6) * 6);
  CHECK(r.substr(r.size() - 6) == "\x1b[1;1R");
}

TEST_CASE("DECALN fills the screen with E and resets the margins", "[terminal][vt]") {
  TestTerminal t(3, 2, vt_options());
  t.write("\x1b[1;1r\x1b#8");
  CHECK(t.screen() == "EEE|EEE|");
  CHECK(t.term.scroll_bottom() == 1);
}

TEST_CASE("Bracketed paste, cursor keys and cursor style are accepted", "[terminal][vt]") {
  TestTerminal t(10, 2, vt_options());
  t.write("\x1b[?2004h\x1b[?1h\x1b[5 q\x1b[?12h");
  CHECK(t.term.bracketed_paste());
  CHECK(t.term.application_cursor_keys());
  CHECK(t.term.cursor_style() == libk::Terminal::CursorStyle::Bar);
  CHECK(t.term.unsupported() == 0);
}

TEST_CASE("Inserting at the right half of a wide character blanks it whole",
          "[terminal][vt][wide]") {
  TestTerminal t(8, 1, vt_options());
  t.write("ab日cd\x1b[1;4H\x1b[4hX");  // column 4 is the right half of 日
  CHECK(t.row(0) == "ab X cd");
  for (uint32_t x = 0; x < 8; ++x) CHECK_FALSE(t.at(x, 0).attrs & libk::kAttrWideTail);
  t.write("\x1b[4l\x1b[1;1Hab日本語\x1b[1;1H\x1b[@");  // 語 pushed half over the edge
  CHECK(t.row(0) == " ab日本");
  CHECK_FALSE(t.at(7, 0).attrs & libk::kAttrWide);
}
