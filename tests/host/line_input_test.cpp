// Edit inputs from the keyboard's key events and from a serial terminal's bytes
// (libk/line_input.hpp): both sources bind the same keys to the same actions.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include <libk/line_input.hpp>

using namespace libk::line;
using libk::keyboard::Key;
using libk::keyboard::KeyEvent;

namespace {

std::vector<EditInput> decode(std::string_view bytes) {
  SerialInputDecoder d;
  std::vector<EditInput> out;
  for (char c : bytes)
    if (auto in = d.feed(u8(c))) out.push_back(*in);
  return out;
}

EditInput k(EditKey key) { return {key, 0}; }
EditInput ch(char32_t c) { return {EditKey::Insert, u32(c)}; }

// Key presses decoded by the real scancode decoder from set-1 bytes.
std::vector<EditInput> keys(std::initializer_list<u8> scancodes) {
  libk::keyboard::ScancodeDecoder dec;
  std::vector<EditInput> out;
  for (u8 b : scancodes)
    if (auto e = dec.feed(b))
      if (auto in = from_key_event(*e)) out.push_back(*in);
  return out;
}

}  // namespace

TEST_CASE("Serial: printable ASCII and UTF-8 become inserts", "[line][serial]") {
  CHECK(decode("a Z~") == std::vector<EditInput>{ch('a'), ch(' '), ch('Z'), ch('~')});
  CHECK(decode("\xc3\xa9\xe2\x98\x83") == std::vector<EditInput>{ch(U'é'), ch(U'☃')});
}

TEST_CASE("Serial: malformed UTF-8 is dropped, the next character survives", "[line][serial]") {
  CHECK(decode("\xc3x") == std::vector<EditInput>{ch('x')});
  CHECK(decode("\xff\xfe"
               "a") == std::vector<EditInput>{ch('a')});
}

TEST_CASE("Serial: CR, LF and CR LF are each one Enter", "[line][serial]") {
  CHECK(decode("\r") == std::vector<EditInput>{k(EditKey::Enter)});
  CHECK(decode("\n") == std::vector<EditInput>{k(EditKey::Enter)});
  CHECK(decode("\r\n") == std::vector<EditInput>{k(EditKey::Enter)});
  CHECK(decode("\r\r") == std::vector<EditInput>{k(EditKey::Enter), k(EditKey::Enter)});
}

TEST_CASE("Serial: DEL and BS erase backwards; control keys follow readline", "[line][serial]") {
  CHECK(decode("\x7f\x08") == std::vector<EditInput>{k(EditKey::Backspace), k(EditKey::Backspace)});
  CHECK(decode("\x01\x05\x03\x0c\x15\x0b\x17\x09") ==
        std::vector<EditInput>{k(EditKey::Home), k(EditKey::End), k(EditKey::Cancel),
                               k(EditKey::ClearScreen), k(EditKey::KillToStart),
                               k(EditKey::KillToEnd), k(EditKey::KillWordBefore),
                               k(EditKey::Complete)});
  CHECK(decode("\x10\x0e\x02\x06") == std::vector<EditInput>{k(EditKey::Up), k(EditKey::Down),
                                                             k(EditKey::Left), k(EditKey::Right)});
}

TEST_CASE("Serial: VT100 and xterm cursor-key sequences", "[line][serial]") {
  CHECK(decode("\x1b[A\x1b[B\x1b[C\x1b[D") ==
        std::vector<EditInput>{k(EditKey::Up), k(EditKey::Down), k(EditKey::Right),
                               k(EditKey::Left)});
  CHECK(
      decode("\x1bOA\x1bOD\x1bOH\x1bOF") ==
      std::vector<EditInput>{k(EditKey::Up), k(EditKey::Left), k(EditKey::Home), k(EditKey::End)});
  CHECK(decode("\x1b[H\x1b[F\x1b[1~\x1b[4~\x1b[7~\x1b[8~\x1b[3~") ==
        std::vector<EditInput>{k(EditKey::Home), k(EditKey::End), k(EditKey::Home), k(EditKey::End),
                               k(EditKey::Home), k(EditKey::End), k(EditKey::Delete)});
  CHECK(decode("\x1b[1;5C\x1b[1;5D") ==
        std::vector<EditInput>{k(EditKey::WordRight), k(EditKey::WordLeft)});
  CHECK(decode("\x1b"
               "b\x1b"
               "f") == std::vector<EditInput>{k(EditKey::WordLeft), k(EditKey::WordRight)});
}

TEST_CASE("Serial: unknown sequences are swallowed whole", "[line][serial]") {
  CHECK(decode("\x1b[5~\x1b[2~\x1b[15~\x1b[?1;2cx") == std::vector<EditInput>{ch('x')});
  CHECK(decode("\x1bOPy") == std::vector<EditInput>{ch('y')});  // F1
}

TEST_CASE("Serial: a lone Escape is dropped and the byte after it kept", "[line][serial]") {
  CHECK(decode("\x1bq") == std::vector<EditInput>{ch('q')});
  CHECK(decode("\x1b\x7f") == std::vector<EditInput>{k(EditKey::Backspace)});
}

TEST_CASE("Serial: a sequence interrupted by a control character is abandoned", "[line][serial]") {
  CHECK(decode("\x1b[1\r") == std::vector<EditInput>{k(EditKey::Enter)});
}

TEST_CASE("Serial: an endless sequence cannot swallow the input forever", "[line][serial]") {
  std::string junk = "\x1b[" + std::string(100, '1') + "A" + "ok";
  auto out = decode(junk);
  REQUIRE(out.size() >= 2);
  CHECK(out[out.size() - 2] == ch('o'));
  CHECK(out.back() == ch('k'));
}

TEST_CASE("Keyboard: characters, Enter, Backspace, Tab", "[line][keyboard]") {
  // a, shift+b, Enter, Backspace, Tab
  CHECK(keys({0x1E, 0x9E, 0x2A, 0x30, 0xB0, 0xAA, 0x1C, 0x0E, 0x0F}) ==
        std::vector<EditInput>{ch('a'), ch('B'), k(EditKey::Enter), k(EditKey::Backspace),
                               k(EditKey::Complete)});
}

TEST_CASE("Keyboard: grey cursor keys, Home, End, Delete, Ctrl+arrows", "[line][keyboard]") {
  CHECK(
      keys({0xE0, 0x4B, 0xE0, 0x4D, 0xE0, 0x48, 0xE0, 0x50, 0xE0, 0x47, 0xE0, 0x4F, 0xE0, 0x53}) ==
      std::vector<EditInput>{k(EditKey::Left), k(EditKey::Right), k(EditKey::Up), k(EditKey::Down),
                             k(EditKey::Home), k(EditKey::End), k(EditKey::Delete)});
  CHECK(keys({0x1D, 0xE0, 0x4B, 0xE0, 0x4D, 0x9D}) ==
        std::vector<EditInput>{k(EditKey::WordLeft), k(EditKey::WordRight)});
}

TEST_CASE("Keyboard: Ctrl+C and Ctrl+L", "[line][keyboard]") {
  CHECK(keys({0x1D, 0x2E, 0x26, 0x9D}) ==
        std::vector<EditInput>{k(EditKey::Cancel), k(EditKey::ClearScreen)});
}

TEST_CASE("Keyboard: the keypad moves the cursor with Num Lock off, types with it on",
          "[line][keyboard]") {
  CHECK(keys({0x4B, 0x47}) == std::vector<EditInput>{k(EditKey::Left), k(EditKey::Home)});
  CHECK(keys({0x45, 0xC5, 0x4B}) == std::vector<EditInput>{ch('4')});
}

TEST_CASE("Keyboard: releases, modifiers and Escape give nothing", "[line][keyboard]") {
  CHECK(keys({0x2A, 0xAA, 0x1D, 0x9D, 0x01, 0x81, 0x9E}).empty());
}
