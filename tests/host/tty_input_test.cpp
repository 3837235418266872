// The console terminal's line discipline (libk/tty_input.hpp): what a read takes in canonical
// and raw mode, ends of file, a full queue, and the bytes a raw-mode reader gets per key.
#include <catch2/catch.hpp>
#include <string>

#include <libk/tty_input.hpp>

using libk::line::EditInput;
using libk::line::EditKey;
using libk::tty::InputQueue;
using libk::tty::Mode;

namespace {

// One read of up to `size` bytes: the text, or "<none>" when the reader would wait.
std::string read(InputQueue& q, Mode mode, usize size = 64) {
  u8 buffer[64];
  auto n = q.take({buffer, size}, mode);
  if (!n) return "<none>";
  return std::string(reinterpret_cast<const char*>(buffer), *n);
}

std::string raw(EditInput in) {
  char out[libk::tty::kMaxRawBytes];
  usize n = libk::tty::raw_bytes(in, out);
  return std::string(out, n);
}

}  // namespace

TEST_CASE("Canonical reads take one line at a time", "[tty]") {
  InputQueue q;
  q.push("ls\necho hi\n", false);
  CHECK(q.readable() == 11);
  CHECK(read(q, Mode::Canonical) == "ls\n");
  CHECK(read(q, Mode::Canonical) == "echo hi\n");
  CHECK(read(q, Mode::Canonical) == "<none>");
  CHECK(q.readable() == 0);
}

TEST_CASE("A short canonical read leaves the rest of the line", "[tty]") {
  InputQueue q;
  q.push("abcdef\n", false);
  CHECK(read(q, Mode::Canonical, 4) == "abcd");
  CHECK(read(q, Mode::Canonical) == "ef\n");
}

TEST_CASE("Raw reads take every byte there, across line ends", "[tty]") {
  InputQueue q;
  q.push("a\nb\x03", false);
  CHECK(read(q, Mode::Raw) == "a\nb\x03");
  CHECK(read(q, Mode::Raw) == "<none>");
}

TEST_CASE("An end of file is read once, as 0 bytes, between lines", "[tty]") {
  InputQueue q;
  q.push("x\n", true);
  q.push("y\n", false);
  CHECK(q.readable() == 5);
  CHECK(read(q, Mode::Canonical) == "x\n");
  CHECK(read(q, Mode::Canonical).empty());
  CHECK(read(q, Mode::Canonical) == "y\n");
  // A raw read stops at an end of file too: bytes typed after it are not merged before it.
  q.push("ab", true);
  q.push("cd", false);
  CHECK(read(q, Mode::Raw) == "ab");
  CHECK(read(q, Mode::Raw).empty());
  CHECK(read(q, Mode::Raw) == "cd");
}

TEST_CASE("A full queue drops what does not fit and keeps what did", "[tty]") {
  InputQueue q;
  std::string big(InputQueue::kBytes - 2, 'z');
  CHECK(q.push({big.data(), big.size()}, false) == big.size());
  CHECK(q.push("1234\n", false) == 2);
  CHECK(q.readable() == InputQueue::kBytes);
  for (usize i = 0; i < InputQueue::kMaxEofs + 3; ++i) q.push({}, true);
  CHECK(q.readable() == InputQueue::kBytes + InputQueue::kMaxEofs);
  q.clear();
  CHECK(q.readable() == 0);
  CHECK(read(q, Mode::Raw) == "<none>");
  q.push("after\n", false);
  CHECK(read(q, Mode::Canonical) == "after\n");  // positions wrap in the ring
}

TEST_CASE("Raw mode: text as UTF-8, control keys as C0 codes", "[tty]") {
  CHECK(raw({EditKey::Insert, 'q'}) == "q");
  CHECK(raw({EditKey::Insert, U'é'}) == "\xc3\xa9");
  CHECK(raw({EditKey::Cancel}) == "\x03");
  CHECK(raw({EditKey::Delete}) == "\x04");
  CHECK(raw({EditKey::Enter}) == "\r");
  CHECK(raw({EditKey::Backspace}) == "\x7f");
  CHECK(raw({EditKey::Complete}) == "\t");
  CHECK(raw({EditKey::KillToStart}) == "\x15");
}

TEST_CASE("Raw mode: cursor keys as xterm sends them, cursor reports passed on", "[tty]") {
  CHECK(raw({EditKey::Up}) == "\x1b[A");
  CHECK(raw({EditKey::Left}) == "\x1b[D");
  CHECK(raw({EditKey::WordRight}) == "\x1b[1;5C");
  CHECK(raw({EditKey::Home}) == "\x1b[H");
  CHECK(raw({EditKey::CursorReport, 0, 24, 132}) == "\x1b[24;132R");
  CHECK(raw({EditKey::CursorReport, 0, 65535, 65535}) == "\x1b[65535;65535R");
}
