// The terminal state machine (libk/terminal.hpp): text, controls, wrapping, scrolling,
// cursor movement, erasing, save/restore and modes. SGR is in terminal_sgr_test.cpp.
#include <catch2/catch.hpp>

#include "console_fixtures.hpp"

using fixtures::TestTerminal;
using fixtures::vt_options;

TEST_CASE("Text is written left to right from the home position", "[terminal]") {
  TestTerminal t(10, 3, vt_options());
  t.write("hello");
  CHECK(t.row(0) == "hello");
  CHECK(t.x() == 5);
  CHECK(t.y() == 0);
  CHECK(t.at(0, 0).code_point == U'h');
}

TEST_CASE("CR returns to column 0 and LF moves down keeping the column", "[terminal]") {
  TestTerminal t(10, 3, vt_options());
  t.write("ab\ncd\rX");
  CHECK(t.row(0) == "ab");
  CHECK(t.row(1) == "X cd");
  CHECK(t.x() == 1);
  CHECK(t.y() == 1);
}

TEST_CASE("In newline mode (the console's) LF also returns the carriage", "[terminal]") {
  TestTerminal t(10, 3);  // default options: newline mode on
  t.write("ab\ncd");
  CHECK(t.row(1) == "cd");
  t.write("\x1b[20l\nef");  // LNM off: LF keeps the column
  CHECK(t.row(2) == "  ef");
  t.write("\x1b[20h\r\x1b[A\x1b[A\nZ");
  CHECK(t.row(1) == "Zd");
}

TEST_CASE("VT and FF act as LF", "[terminal]") {
  TestTerminal t(10, 4, vt_options());
  t.write("a\vb\fc");
  CHECK(t.screen() == "a| b|  c||");
}

TEST_CASE("Backspace moves left without erasing and stops at column 0", "[terminal]") {
  TestTerminal t(10, 2, vt_options());
  t.write("abc\b\bX");
  CHECK(t.row(0) == "aXc");
  t.write("\r\b\b\bY");
  CHECK(t.row(0) == "YXc");
  CHECK(t.x() == 1);
}

TEST_CASE("Tab moves to the next multiple of 8, at most the last column", "[terminal]") {
  TestTerminal t(20, 2, vt_options());
  t.write("a\tb\tc");
  CHECK(t.row(0) == "a       b       c");
  t.write("\t\t\t");
  CHECK(t.x() == 19);
  CHECK(t.y() == 0);
}

TEST_CASE("A full line wraps only when the next character arrives", "[terminal]") {
  TestTerminal t(5, 3, vt_options());
  t.write("abcde");
  CHECK(t.x() == 4);  // deferred wrap: still on the last column
  CHECK(t.y() == 0);
  t.write("f");
  CHECK(t.row(0) == "abcde");
  CHECK(t.row(1) == "f");
  CHECK(t.x() == 1);
  CHECK(t.y() == 1);
}

TEST_CASE("CR after a full line cancels the pending wrap", "[terminal]") {
  TestTerminal t(5, 3, vt_options());
  t.write("abcde\rX");
  CHECK(t.row(0) == "Xbcde");
  CHECK(t.y() == 0);
}

TEST_CASE("Non-ASCII text wraps the same way as ASCII", "[terminal]") {
  TestTerminal t(3, 3, vt_options());
  t.write("äöüß");
  CHECK(t.row(0) == "äöü");
  CHECK(t.row(1) == "ß");
}

TEST_CASE("With autowrap off, text at the right margin overwrites the last column", "[terminal]") {
  TestTerminal t(5, 2, vt_options());
  t.write("\x1b[?7labcdefg");
  CHECK(t.row(0) == "abcdg");
  CHECK(t.y() == 0);
  t.write("\x1b[?7h\rvwxyz1");
  CHECK(t.row(1) == "1");
}

TEST_CASE("LF on the last row scrolls the screen up", "[terminal]") {
  TestTerminal t(6, 3);
  t.write("one\ntwo\nthree\nfour");
  CHECK(t.screen() == "two|three|four|");
  CHECK(t.y() == 2);
}

TEST_CASE("Wrapping on the last row scrolls", "[terminal]") {
  TestTerminal t(4, 2, vt_options());
  t.write("aaaabbbbcc");
  CHECK(t.screen() == "bbbb|cc|");
}

TEST_CASE("Scrolled-in lines take the current background colour", "[terminal]") {
  TestTerminal t(4, 2);
  t.write("\x1b[41m\n\n");
  CHECK(t.at(0, 1).bg == libk::kEmberTheme.ansi[1]);
  CHECK(t.at(3, 1).bg == libk::kEmberTheme.ansi[1]);
  CHECK(t.at(0, 0).bg == libk::kEmberTheme.background);  // line 0 was written before SGR 41
}

TEST_CASE("Many scrolls keep the ring consistent", "[terminal]") {
  TestTerminal t(12, 5);
  for (int i = 0; i < 1003; ++i) t.write("line " + std::to_string(i) + "\n");
  CHECK(t.screen() == "line 999|line 1000|line 1001|line 1002||");
}

TEST_CASE("SU and SD scroll the content without moving the cursor", "[terminal]") {
  TestTerminal t(5, 4);
  t.write("a\nb\nc\nd\x1b[2;3H");
  t.write("\x1b[2S");
  CHECK(t.screen() == "c|d|||");
  t.write("\x1b[3T");
  CHECK(t.screen() == "|||c|");
  CHECK(t.x() == 2);
  CHECK(t.y() == 1);
}

TEST_CASE("CUU CUD CUF CUB move by n (default 1) and stop at the edges", "[terminal]") {
  TestTerminal t(10, 10, vt_options());
  t.write("\x1b[5;5H");
  t.write("\x1b[2A");
  CHECK((t.x() == 4 && t.y() == 2));
  t.write("\x1b[B");
  CHECK((t.x() == 4 && t.y() == 3));
  t.write("\x1b[3C");
  CHECK((t.x() == 7 && t.y() == 3));
  t.write("\x1b[0D");  // 0 means 1
  CHECK((t.x() == 6 && t.y() == 3));
  t.write("\x1b[99A\x1b[99D");
  CHECK((t.x() == 0 && t.y() == 0));
  t.write("\x1b[99B\x1b[99C");
  CHECK((t.x() == 9 && t.y() == 9));
}

TEST_CASE("CNL and CPL move down/up to column 0", "[terminal]") {
  TestTerminal t(10, 10, vt_options());
  t.write("\x1b[5;5H\x1b[2E");
  CHECK((t.x() == 0 && t.y() == 6));
  t.write("\x1b[4G\x1b[3F");
  CHECK((t.x() == 0 && t.y() == 3));
}

TEST_CASE("CUP and HVP position 1-based, default home, clamped", "[terminal]") {
  TestTerminal t(10, 5, vt_options());
  t.write("\x1b[3;7H");
  CHECK((t.x() == 6 && t.y() == 2));
  t.write("\x1b[H");
  CHECK((t.x() == 0 && t.y() == 0));
  t.write("\x1b[2;4f");
  CHECK((t.x() == 3 && t.y() == 1));
  t.write("\x1b[;5H");  // empty row parameter: default 1
  CHECK((t.x() == 4 && t.y() == 0));
  t.write("\x1b[50;60H");
  CHECK((t.x() == 9 && t.y() == 4));
  t.write("\x1b[99999999999;1H");  // huge values saturate
  CHECK((t.x() == 0 && t.y() == 4));
}

TEST_CASE("CHA and VPA set one coordinate", "[terminal]") {
  TestTerminal t(10, 5, vt_options());
  t.write("\x1b[3;3H\x1b[8G");
  CHECK((t.x() == 7 && t.y() == 2));
  t.write("\x1b[5d");
  CHECK((t.x() == 7 && t.y() == 4));
}

TEST_CASE("Cursor movement cancels a pending wrap", "[terminal]") {
  TestTerminal t(4, 3, vt_options());
  t.write("abcd\x1b[DX");
  CHECK(t.row(0) == "abXd");
  CHECK(t.y() == 0);
}

namespace {

void fill_screen(TestTerminal& t) {
  t.write("\x1b[H");
  for (uint32_t y = 0; y < t.grid.rows(); ++y) {
    t.write(std::string(t.grid.columns(), char('a' + y)));
    if (y + 1 < t.grid.rows()) t.write("\r\n");
  }
}

}  // namespace

TEST_CASE("ED 0 erases from the cursor to the end of the screen", "[terminal]") {
  TestTerminal t(4, 3, vt_options());
  fill_screen(t);
  t.write("\x1b[2;3H\x1b[J");
  CHECK(t.screen() == "aaaa|bb||");
  CHECK((t.x() == 2 && t.y() == 1));
}

TEST_CASE("ED 1 erases from the start of the screen through the cursor", "[terminal]") {
  TestTerminal t(4, 3, vt_options());
  fill_screen(t);
  t.write("\x1b[2;3H\x1b[1J");
  CHECK(t.screen() == "|   b|cccc|");
}

TEST_CASE("ED 2 erases the whole screen, leaving the cursor; ED 3 only the scrollback",
          "[terminal]") {
  TestTerminal t(4, 3, vt_options());
  fill_screen(t);
  std::string before = t.screen();
  t.write("\x1b[2;3H\x1b[3J");
  CHECK(t.screen() == before);
  t.write("\x1b[2J");
  CHECK(t.screen() == "|||");
  CHECK((t.x() == 2 && t.y() == 1));
}

TEST_CASE("EL 0, 1 and 2 erase right of, left of and the whole line", "[terminal]") {
  TestTerminal t(5, 3, vt_options());
  fill_screen(t);
  t.write("\x1b[1;3H\x1b[K\x1b[2;3H\x1b[1K\x1b[3;3H\x1b[2K");
  CHECK(t.screen() == "aa|   bb||");
}

TEST_CASE("Erasing uses the current background colour", "[terminal]") {
  TestTerminal t(5, 2, vt_options());
  t.write("abcde\x1b[44m\x1b[1;2H\x1b[K");
  CHECK(t.at(0, 0).bg == libk::kEmberTheme.background);
  CHECK(t.at(1, 0).bg == libk::kEmberTheme.ansi[4]);
  CHECK(t.at(4, 0).bg == libk::kEmberTheme.ansi[4]);
  CHECK(t.at(1, 0).code_point == U' ');
}

TEST_CASE("ECH erases n characters from the cursor without moving it", "[terminal]") {
  TestTerminal t(6, 1, vt_options());
  t.write("abcdef\x1b[2G\x1b[3X");
  CHECK(t.row(0) == "a   ef");
  CHECK(t.x() == 1);
  t.write("\x1b[99X");
  CHECK(t.row(0) == "a");
}

TEST_CASE("ESC 7 / ESC 8 save and restore position and attributes", "[terminal]") {
  TestTerminal t(10, 5, vt_options());
  t.write(
      "\x1b[2;3H\x1b[31;1m\x1b"
      "7\x1b[0m\x1b[5;9Hx\x1b"
      "8y");
  CHECK((t.at(2, 1).code_point == U'y'));
  CHECK(t.at(2, 1).fg == libk::kEmberTheme.ansi[1]);
  CHECK(t.at(2, 1).attrs == libk::kAttrBold);
  CHECK(t.at(8, 4).fg == libk::kEmberTheme.foreground);
}

TEST_CASE("CSI s / CSI u save and restore the cursor", "[terminal]") {
  TestTerminal t(10, 5, vt_options());
  t.write("\x1b[3;4H\x1b[s\x1b[H\x1b[u");
  CHECK((t.x() == 3 && t.y() == 2));
}

TEST_CASE("Restore without a save goes home", "[terminal]") {
  TestTerminal t(10, 5, vt_options());
  t.write(
      "\x1b[3;4H\x1b"
      "8");
  CHECK((t.x() == 0 && t.y() == 0));
}

TEST_CASE("IND, NEL and RI move by a line, scrolling at the edges", "[terminal]") {
  TestTerminal t(4, 3, vt_options());
  t.write(
      "ab\x1b"
      "Dc");
  CHECK(t.screen() == "ab|  c||");
  t.write(
      "\x1b"
      "Ed");
  CHECK(t.screen() == "ab|  c|d|");
  t.write("\x1b[H\x1bMz");
  CHECK(t.screen() == "z|ab|  c|");
  t.write(
      "\x1b[3;1H\x1b"
      "D");
  CHECK(t.screen() == "ab|  c||");
}

TEST_CASE("RIS clears the screen and resets cursor, colours and modes", "[terminal]") {
  TestTerminal t(5, 2, vt_options());
  t.write(
      "abc\x1b[41m\x1b[?25l\x1b[?7l\x1b"
      "c");
  CHECK(t.screen() == "||");
  CHECK((t.x() == 0 && t.y() == 0));
  CHECK(t.term.cursor_visible());
  t.write("abcdefg");
  CHECK(t.screen() == "abcde|fg|");  // autowrap is back
  CHECK(t.at(0, 0).bg == libk::kEmberTheme.background);
}

TEST_CASE("DECTCEM shows and hides the cursor", "[terminal]") {
  TestTerminal t(5, 2, vt_options());
  CHECK(t.term.cursor_visible());
  t.write("\x1b[?25l");
  CHECK_FALSE(t.term.cursor_visible());
  t.write("\x1b[?25h");
  CHECK(t.term.cursor_visible());
}

TEST_CASE("Malformed UTF-8 becomes U+FFFD, one per maximal ill-formed subpart",
          "[terminal][utf8]") {
  struct Case {
    const char* bytes;
    std::u32string expected;
  } cases[] = {
      {"\xC3\xA4", U"ä"},
      {"\xE2\x82\xAC", U"€"},
      {"\xC3\xA9\xE2\x82\xAC", U"é€"},
      {"\xFF", U"\uFFFD"},
      {"\x80", U"\uFFFD"},
      {"\xC0\xAF", U"\uFFFD\uFFFD"},                      // overlong '/': C0 is never valid
      {"\xE0\x80\xAF", U"\uFFFD\uFFFD\uFFFD"},            // overlong three-byte form
      {"\xED\xA0\x80", U"\uFFFD\uFFFD\uFFFD"},            // a surrogate
      {"\xF4\x90\x80\x80", U"\uFFFD\uFFFD\uFFFD\uFFFD"},  // above U+10FFFF
      {"\xE2\x82x", U"\uFFFDx"},                          // truncated, then ASCII
      {"\xC3\xC3\xA4", U"\uFFFDä"},                       // a new lead byte ends the sequence
  };
  for (const Case& c : cases) {
    TestTerminal t(10, 1, vt_options());
    t.write(c.bytes);
    INFO("input " << c.bytes);
    REQUIRE(t.x() == c.expected.size());
    for (size_t i = 0; i < c.expected.size(); ++i)
      CHECK(t.at(uint32_t(i), 0).code_point == c.expected[i]);
  }
}

TEST_CASE("An ESC in the middle of a UTF-8 sequence ends it and is obeyed", "[terminal][utf8]") {
  TestTerminal t(10, 2, vt_options());
  t.write("\xE2\x82\x1b[2;1Hx");
  CHECK(t.at(0, 0).code_point == libk::kReplacementCharacter);
  CHECK(t.at(0, 1).code_point == U'x');
}

TEST_CASE("A UTF-8 sequence split across writes is reassembled", "[terminal][utf8]") {
  TestTerminal t(10, 1, vt_options());
  t.write("\xE2");
  t.write("\x82");
  t.write("\xAC!");
  CHECK(t.row(0) == "€!");
}

TEST_CASE("C1 control code points are not printed", "[terminal][utf8]") {
  TestTerminal t(10, 1, vt_options());
  t.write(
      "a\xC2\x9B"
      "b");  // U+009B (CSI as a C1 control) is ignored
  CHECK(t.row(0) == "ab");
}

TEST_CASE("Unknown and malformed sequences are consumed without output", "[terminal]") {
  TestTerminal t(30, 2, vt_options());
  t.write("a\x1b[?1000hb");  // unsupported private mode (mouse tracking)
  t.write(
      "\x1b]0;window title\x07"
      "c");                            // OSC ended by BEL
  t.write("\x1b]8;;http://x\x1b\\d");  // OSC ended by ST
  t.write("\x1bPq#0;2;0;0;0\x1b\\e");  // DCS (sixel)
  t.write("\x1b_apc\x1b\\f");          // APC
  t.write("\x1b[5zg");                 // unknown CSI final
  t.write("\x1b[1;2;3?h");             // private marker after parameters
  t.write("\x1b[ ph");                 // an unknown final after an intermediate
  t.write("\x1b*Bi");                  // G2 designation: there is no G2
  t.write("\x1b#3j");                  // DECDHL: no double-height lines
  t.write("\x1b[>4;1mk");              // xterm modifyOtherKeys: input only
  CHECK(t.row(0) == "abcdefghijk");
  CHECK(t.term.unsupported() == 6);
}

TEST_CASE("CAN and SUB abort a sequence", "[terminal]") {
  TestTerminal t(20, 2, vt_options());
  t.write("\x1b[31\x18m");
  t.write("\x1b[4\x1ax");
  CHECK(t.row(0) == "mx");
  CHECK(t.at(0, 0).fg == libk::kEmberTheme.foreground);
}

TEST_CASE("C0 controls inside a CSI sequence act immediately", "[terminal]") {
  TestTerminal t(20, 3, vt_options());
  t.write("ab\x1b[\n2Dc");  // LF inside the sequence, then CUB 2
  CHECK(t.row(1) == "c");
  CHECK(t.at(0, 1).code_point == U'c');
}

TEST_CASE("More than 16 parameters are dropped, not overflowed", "[terminal]") {
  TestTerminal t(10, 3, vt_options());
  t.write("\x1b[1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;31mx");
  CHECK(t.at(0, 0).fg == libk::kEmberTheme.foreground);  // the 21st (31) was dropped
  CHECK(t.at(0, 0).attrs == libk::kAttrBold);
}

TEST_CASE("A sequence split across writes is completed", "[terminal]") {
  TestTerminal t(10, 3, vt_options());
  t.write("\x1b");
  t.write("[2");
  t.write(";3");
  t.write("Hx");
  CHECK(t.at(2, 1).code_point == U'x');
}

TEST_CASE("Abandoning a sequence returns to text", "[terminal]") {
  TestTerminal t(10, 3, vt_options());
  t.write("\x1b[3");
  t.term.abort_sequence();
  t.write("Hi");
  CHECK(t.row(0) == "Hi");
}

TEST_CASE("Writes damage exactly the cells they change", "[terminal]") {
  TestTerminal t(10, 3, vt_options());
  for (uint32_t s = 0; s < 3; ++s) t.grid.clear_slot_damage(s);
  t.write("\x1b[2;4Hab");
  CHECK(t.grid.slot_damage(t.grid.storage_row(0)).empty());
  libk::RowDamage d = t.grid.slot_damage(t.grid.storage_row(1));
  CHECK(d.first == 3);
  CHECK(d.end == 5);
  t.write("\x1b[2;9Hz");
  d = t.grid.slot_damage(t.grid.storage_row(1));
  CHECK(d.first == 3);
  CHECK(d.end == 9);
}
