// The line editor (libk/line_editor.hpp), checked the way a person sees it: its output is
// fed to libk's terminal (the console's own VT100 state machine) and the test reads the
// screen row and the cursor, on a wide and on a narrow terminal (horizontal scrolling).
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include <libk/line_editor.hpp>

#include "console_fixtures.hpp"
#include "string_sink.hpp"

using namespace libk::line;
using fixtures::TestTerminal;
using fixtures::vt_options;

namespace {

// An editor wired to a terminal: every byte it writes goes to the terminal.
struct Session {
  explicit Session(uint32_t columns = 40, uint32_t rows = 6, const char* prompt = "> ")
      : term(columns, rows, vt_options()), editor(history, columns) {
    editor.begin(prompt, sink);
  }

  struct TermSink final : libk::Sink {
    explicit TermSink(Session& s) : s(s) {}
    void write(libk::StringView t) override {
      s.term.write(std::string_view(t.data(), t.size()));
      s.raw.append(t.data(), t.size());
    }
    Session& s;
  };

  LineEditor::Outcome press(EditKey k) { return editor.handle({k, 0}, sink); }
  void type(const std::u32string& text) {
    for (char32_t c : text) editor.handle({EditKey::Insert, u32(c)}, sink);
  }
  // Feeds bytes as a serial terminal would send them.
  LineEditor::Outcome serial(std::string_view bytes) {
    LineEditor::Outcome last = LineEditor::Outcome::Editing;
    for (char c : bytes)
      if (auto in = decoder.feed(u8(c))) last = editor.handle(*in, sink);
    return last;
  }
  std::string line() const { return test::str(editor.line()); }

  LineHistory history;
  TestTerminal term;
  LineEditor editor;
  SerialInputDecoder decoder;
  TermSink sink{*this};
  std::string raw;
};

}  // namespace

TEST_CASE("Typed characters appear after the prompt, cursor after them", "[line]") {
  Session s;
  s.type(U"echo hi");
  CHECK(s.term.row(0) == "> echo hi");
  CHECK(s.term.x() == 9);
  CHECK(s.line() == "echo hi");
}

TEST_CASE("Typing at the end of the line writes just the characters", "[line]") {
  Session s;
  s.raw.clear();
  s.type(U"abc");
  CHECK(s.raw == "abc");
}

TEST_CASE("Backspace at the end erases the last character in place", "[line]") {
  Session s;
  s.type(U"abcd");
  s.raw.clear();
  s.press(EditKey::Backspace);
  CHECK(s.raw == "\b \b");
  CHECK(s.term.row(0) == "> abc");
  CHECK(s.term.x() == 5);
}

TEST_CASE("Left, insert in the middle, and the rest of the line moves right", "[line]") {
  Session s;
  s.type(U"helo");
  s.press(EditKey::Left);
  s.type(U"l");
  CHECK(s.term.row(0) == "> hello");
  CHECK(s.term.x() == 6);  // after the inserted l
  CHECK(s.line() == "hello");
}

TEST_CASE("Home, End, Delete and Backspace in the middle", "[line]") {
  Session s;
  s.type(U"xabcz");
  s.press(EditKey::Home);
  CHECK(s.term.x() == 2);
  s.press(EditKey::Delete);
  CHECK(s.term.row(0) == "> abcz");
  s.press(EditKey::End);
  CHECK(s.term.x() == 6);
  s.press(EditKey::Left);
  s.press(EditKey::Backspace);
  CHECK(s.term.row(0) == "> abz");
  CHECK(s.term.x() == 4);
  CHECK(s.line() == "abz");
}

TEST_CASE("Backspace at the start and Delete at the end change nothing (bell)", "[line]") {
  Session s;
  s.press(EditKey::Backspace);
  s.type(U"ab");
  s.press(EditKey::Delete);
  CHECK(s.line() == "ab");
  CHECK(s.raw.find('\a') != std::string::npos);
}

TEST_CASE("Enter submits the line and moves to the next row", "[line]") {
  Session s;
  s.type(U"uptime");
  s.press(EditKey::Home);
  CHECK(s.press(EditKey::Enter) == LineEditor::Outcome::Submitted);
  CHECK(s.line() == "uptime");
  CHECK(s.term.y() == 1);
  CHECK(s.term.x() == 0);
  CHECK(s.history.size() == 1);
}

TEST_CASE("Ctrl-C abandons the line, shows ^C and keeps it out of the history", "[line]") {
  Session s;
  s.type(U"reboot");
  CHECK(s.press(EditKey::Cancel) == LineEditor::Outcome::Cancelled);
  CHECK(s.term.row(0) == "> reboot^C");
  CHECK(s.term.y() == 1);
  CHECK(s.history.size() == 0);
  s.editor.begin("> ", s.sink);
  CHECK(s.line().empty());
}

TEST_CASE("Ctrl-L clears the screen and redraws the line at the top", "[line]") {
  Session s;
  s.term.write("old output\r\nmore\r\n");
  s.editor.begin("> ", s.sink);
  s.type(U"mem");
  s.press(EditKey::Left);
  s.press(EditKey::ClearScreen);
  CHECK(s.term.screen() == "> mem||||||");  // six rows
  CHECK(s.term.x() == 4);
  CHECK(s.term.y() == 0);
}

TEST_CASE("Up and Down walk the history and come back to the line being typed", "[line]") {
  Session s;
  for (const char32_t* cmd : {U"help", U"mem", U"ps"}) {
    s.type(cmd);
    s.press(EditKey::Enter);
    s.editor.begin("> ", s.sink);
  }
  s.type(U"dm");
  s.press(EditKey::Up);
  CHECK(s.line() == "ps");
  int row = int(s.term.y());
  CHECK(s.term.row(row) == "> ps");
  s.press(EditKey::Up);
  s.press(EditKey::Up);
  CHECK(s.line() == "help");
  s.press(EditKey::Up);  // no older entry: stays
  CHECK(s.line() == "help");
  s.press(EditKey::Down);
  CHECK(s.line() == "mem");
  CHECK(s.term.row(row) == "> mem");
  s.press(EditKey::Down);
  s.press(EditKey::Down);
  CHECK(s.line() == "dm");  // the unfinished line is back
  CHECK(s.term.row(row) == "> dm");
}

TEST_CASE("A recalled line can be edited and submitted; the entry itself is unchanged", "[line]") {
  Session s;
  s.type(U"echo one");
  s.press(EditKey::Enter);
  s.editor.begin("> ", s.sink);
  s.press(EditKey::Up);
  s.press(EditKey::Backspace);
  s.press(EditKey::Backspace);
  s.press(EditKey::Backspace);
  s.type(U"two");
  s.press(EditKey::Enter);
  CHECK(s.line() == "echo two");
  CHECK(test::str(s.history.get(0)) == "echo two");
  CHECK(test::str(s.history.get(1)) == "echo one");
}

TEST_CASE("The history keeps the newest entries, skips blanks and repeats", "[line]") {
  LineHistory h;
  h.add("");
  h.add("   ");
  CHECK(h.size() == 0);
  h.add("a");
  h.add("a");
  CHECK(h.size() == 1);
  for (int i = 0; i < 40; ++i) h.add(libk::StringView(std::to_string(i).c_str()));
  CHECK(h.size() == LineHistory::kEntries);
  CHECK(test::str(h.get(0)) == "39");
  CHECK(test::str(h.get(LineHistory::kEntries - 1)) == "8");
  CHECK(h.get(LineHistory::kEntries).empty());
}

TEST_CASE("A history entry longer than the limit is cut at a character boundary", "[line]") {
  LineHistory h;
  std::string long_line(LineHistory::kMaxLine - 1, 'x');
  long_line += "\xc3\xa9tail";  // é straddles the limit
  h.add(libk::StringView(long_line.data(), long_line.size()));
  CHECK(h.get(0).size() == LineHistory::kMaxLine - 1);
}

TEST_CASE("Cursor movement steps over whole UTF-8 characters", "[line][utf8]") {
  Session s;
  s.type(U"caf\u00e9 \u2603!");  // é (2 bytes), ☃ (3 bytes)
  CHECK(s.term.row(0) == "> café ☃!");
  CHECK(s.term.x() == 9);
  s.press(EditKey::Left);
  s.press(EditKey::Left);
  CHECK(s.term.x() == 7);
  CHECK(s.editor.cursor() == 6);  // bytes: c a f é(2) space
  s.press(EditKey::Backspace);    // removes the space
  s.press(EditKey::Backspace);    // removes é whole
  CHECK(s.line() == "caf\u2603!");
  CHECK(s.term.row(0) == "> caf☃!");
  s.press(EditKey::Delete);  // removes ☃ whole
  CHECK(s.line() == "caf!");
}

TEST_CASE("Word motions and kills", "[line]") {
  Session s;
  s.type(U"echo hello  world");
  s.press(EditKey::WordLeft);
  CHECK(s.editor.cursor() == 12);
  s.press(EditKey::WordLeft);
  CHECK(s.editor.cursor() == 5);
  s.press(EditKey::WordRight);
  CHECK(s.editor.cursor() == 10);
  s.press(EditKey::End);
  s.press(EditKey::KillWordBefore);
  CHECK(s.line() == "echo hello  ");
  s.press(EditKey::Home);
  s.press(EditKey::WordRight);
  s.press(EditKey::KillToEnd);
  CHECK(s.line() == "echo");
  s.press(EditKey::KillToStart);
  CHECK(s.line().empty());
  CHECK(s.term.row(0) == ">");
}

TEST_CASE("A line wider than the terminal scrolls horizontally, never wraps", "[line]") {
  Session s(20, 4);  // 20 columns: prompt 2, one spare, 17 for text
  s.type(U"abcdefghijklmnopqrstuvwxyz");
  CHECK(s.term.y() == 0);
  CHECK(s.term.row(0) == "> jklmnopqrstuvwxyz");
  CHECK(s.term.row(1).empty());
  CHECK(s.term.x() == 19);
  s.press(EditKey::Home);
  CHECK(s.term.row(0) == "> abcdefghijklmnopq");
  CHECK(s.term.x() == 2);
  s.press(EditKey::End);
  CHECK(s.term.row(0) == "> jklmnopqrstuvwxyz");
  for (int i = 0; i < 20; ++i) s.press(EditKey::Backspace);
  CHECK(s.term.row(0) == "> abcdef");
  CHECK(s.line() == "abcdef");
  CHECK(s.term.y() == 0);
}

TEST_CASE("The line holds at most kCapacity bytes; more rings the bell", "[line]") {
  Session s(300, 3);
  std::u32string many(LineEditor::kCapacity + 10, U'a');
  s.type(many);
  CHECK(s.line().size() == LineEditor::kCapacity);
  CHECK(s.raw.find('\a') != std::string::npos);
}

TEST_CASE("A coloured prompt counts only its visible columns", "[line]") {
  CHECK(visible_width("\x1b[1;32member\x1b[0m> ") == 7);
  Session s(40, 3, "\x1b[1;32member\x1b[0m> ");
  s.type(U"xyz");
  s.press(EditKey::Home);
  CHECK(s.term.x() == 7);
  CHECK(s.term.row(0) == "ember> xyz");
}

TEST_CASE("Editing through serial escape sequences", "[line][serial]") {
  Session s;
  s.serial("ecoxh");
  s.serial("\x1b[D\x1b[D");  // two lefts: after "eco"
  s.serial("\x7f");          // DEL is Backspace: removes o
  s.serial("h\x1b[C");       // h, then right: after "echx"
  s.serial("\x08o\x1b[3~");  // BS removes x, o, Delete removes the last h
  CHECK(s.line() == "echo");
  CHECK(s.term.row(0) == "> echo");
  s.serial("\x1b[H");
  s.serial("X");
  s.serial("\x1bOF!");         // SS3 End
  s.serial("\x1b[1~\x1b[3~");  // Home, Delete: removes X
  CHECK(s.line() == "echo!");
  CHECK(s.serial("\r\n") == LineEditor::Outcome::Submitted);
  s.editor.begin("> ", s.sink);
  CHECK(s.serial("\x1b[A") == LineEditor::Outcome::Editing);
  CHECK(s.line() == "echo!");
}

TEST_CASE("Tab completes a unique command and lists ambiguous ones", "[line]") {
  struct Names final : Completer {
    void complete(libk::StringView before, libk::StringView word, Candidates& out) override {
      if (!before.empty()) return;
      for (const char* n : {"help", "mem", "reboot", "reset"})
        if (libk::StringView(n).starts_with(word) && !out.push_back(n)) return;
    }
  } names;
  Session s;
  s.editor.set_completer(&names);
  s.type(U"he");
  s.press(EditKey::Complete);
  CHECK(s.line() == "help ");
  s.press(EditKey::KillToStart);
  s.type(U"r");
  s.press(EditKey::Complete);  // reboot, reset: extends to the common "re"
  CHECK(s.line() == "re");
  s.press(EditKey::Complete);  // nothing to add: lists them and redraws
  CHECK(s.term.row(1) == "reboot  reset");
  CHECK(s.term.row(2) == "> re");
  s.press(EditKey::KillToStart);
  s.type(U"x");
  s.raw.clear();
  s.press(EditKey::Complete);
  CHECK(s.raw == "\a");
}

TEST_CASE("A burst is drawn once: what a paste shows equals typing it key by key",
          "[line][batch]") {
  std::string text = "echo " + std::string(150, 'x') + "abc";  // wider than the terminal
  Session typed(60, 4), pasted(60, 4);
  typed.serial(text);
  size_t before = pasted.raw.size();
  pasted.editor.begin_batch();
  pasted.serial(text + "\x1b[D\x1b[D\x7f");  // editing inside the burst too
  CHECK(pasted.editor.redraw_pending());
  pasted.editor.end_batch(pasted.sink);
  typed.serial("\x1b[D\x1b[D\x7f");
  CHECK(pasted.term.screen() == typed.term.screen());
  CHECK(pasted.term.x() == typed.term.x());
  CHECK(pasted.line() == typed.line());
  // The first 53 characters are echoed as they come, then one redraw of the visible part:
  // far less than a redraw per key (the unbatched session writes over 7 KB).
  CHECK(pasted.raw.size() - before < 53 + 2 * 60 + 32);
  CHECK(typed.raw.size() > 7000);
}

TEST_CASE("Enter inside a burst draws the pending line before the new line", "[line][batch]") {
  Session s(30, 4);
  s.editor.begin_batch();
  std::string text = "echo " + std::string(40, 'y');
  CHECK(s.serial(text + "\r") == LineEditor::Outcome::Submitted);
  s.editor.end_batch(s.sink);
  CHECK(s.term.row(0).find("yyyy") != std::string::npos);
  CHECK(s.term.y() == 1);
  CHECK(s.line() == text);
}

TEST_CASE("A cursor position report is decoded, not inserted", "[line]") {
  SerialInputDecoder d;
  libk::Optional<EditInput> last;
  for (char c : std::string_view("\x1b[24;132R")) last = d.feed(u8(c));
  REQUIRE(last.has_value());
  CHECK(last->key == EditKey::CursorReport);
  CHECK(last->row == 24);
  CHECK(last->column == 132);
  Session s;
  s.serial("ab\x1b[3;9Rc");
  CHECK(s.line() == "abc");
}

TEST_CASE("Shift+PgUp/PgDn/Home/End are scroll keys, without Shift they are not", "[line]") {
  using libk::keyboard::Key;
  libk::keyboard::KeyEvent e{};
  e.pressed = true;
  e.modifiers = libk::keyboard::kShift;
  e.key = Key::PageUp;
  CHECK(scroll_key(e).value_or(ScrollKey::Bottom) == ScrollKey::PageUp);
  e.key = Key::PageDown;
  CHECK(scroll_key(e).value_or(ScrollKey::Bottom) == ScrollKey::PageDown);
  e.key = Key::Home;
  CHECK(scroll_key(e).value_or(ScrollKey::Bottom) == ScrollKey::Top);
  e.key = Key::End;
  CHECK(scroll_key(e).value_or(ScrollKey::Top) == ScrollKey::Bottom);
  e.modifiers = 0;
  CHECK_FALSE(scroll_key(e).has_value());
  e.modifiers = libk::keyboard::kShift;
  e.pressed = false;
  CHECK_FALSE(scroll_key(e).has_value());
}
