// Scancode set 1 decoding for a US layout (libk/keyboard.hpp) and the interrupt-to-thread
// queue it feeds (libk/spsc_ring.hpp).
#include <catch2/catch.hpp>
#include <initializer_list>
#include <string>
#include <thread>

#include <libk/keyboard.hpp>
#include <libk/spsc_ring.hpp>

using namespace libk::keyboard;

namespace {

// Feeds bytes and collects the characters typed by presses.
std::string type(ScancodeDecoder& d, std::initializer_list<u8> bytes) {
  std::string out;
  for (u8 b : bytes) {
    auto e = d.feed(b);
    if (e && e->pressed && e->codepoint) out += char(e->codepoint);
  }
  return out;
}

constexpr u8 kShiftKey = 0x2A, kCtrlKey = 0x1D, kCaps = 0x3A, kRelease = 0x80;
constexpr u8 kA = 0x1E, kB = 0x30, k1 = 0x02, kSlash = 0x35, kEnter = 0x1C;

}  // namespace

TEST_CASE("letters, digits and punctuation type their US characters", "[keyboard]") {
  ScancodeDecoder d;
  CHECK(type(d, {kA, kA | kRelease, kB, kB | kRelease, k1, k1 | kRelease}) == "ab1");
  CHECK(type(d, {0x39, 0x33, 0x34, kSlash, 0x27, 0x28, 0x29, 0x2B}) == " ,./;'`\\");
  CHECK(type(d, {kEnter, 0x0E, 0x0F, 0x01}) == "\n\b\t\x1b");
}

TEST_CASE("Shift gives upper case and the shifted symbols, until released", "[keyboard]") {
  ScancodeDecoder d;
  CHECK(type(d, {kShiftKey, kA, k1, kSlash, 0x0C, kShiftKey | kRelease, kA}) == "A!?_a");
  auto e = d.feed(0x36);  // right shift
  REQUIRE(e.has_value());
  CHECK(e->key == Key::RightShift);
  CHECK((e->modifiers & kShift) != 0);
  CHECK(e->codepoint == 0);
}

TEST_CASE("Caps Lock toggles letters only; Shift inverts it", "[keyboard]") {
  ScancodeDecoder d;
  CHECK(type(d, {kCaps, kCaps | kRelease, kA, k1}) == "A1");
  CHECK((d.modifiers() & kCapsLock) != 0);
  CHECK(type(d, {kShiftKey, kA, k1, kShiftKey | kRelease}) == "a!");
  CHECK(type(d, {kCaps, kCaps | kRelease, kA}) == "a");
  CHECK((d.modifiers() & kCapsLock) == 0);
}

TEST_CASE("Ctrl+letter types the control character", "[keyboard]") {
  ScancodeDecoder d;
  CHECK(type(d, {kCtrlKey, 0x2E, 0x1A, kCtrlKey | kRelease, 0x2E}) == std::string("\x03\x1b"
                                                                                  "c"));
}

TEST_CASE("0xE0-prefixed keys: right Ctrl/Alt, arrows, keypad Enter and slash", "[keyboard]") {
  ScancodeDecoder d;
  CHECK_FALSE(d.feed(0xE0).has_value());
  auto ralt = d.feed(0x38);
  REQUIRE(ralt.has_value());
  CHECK(ralt->key == Key::RightAlt);
  CHECK((ralt->modifiers & kAlt) != 0);
  d.feed(0xE0);
  auto release = d.feed(0x38 | kRelease);
  REQUIRE(release.has_value());
  CHECK_FALSE(release->pressed);
  CHECK((release->modifiers & kAlt) == 0);
  d.feed(0xE0);
  auto up = d.feed(0x48);
  REQUIRE(up.has_value());
  CHECK(up->key == Key::Up);
  CHECK(up->codepoint == 0);  // not the keypad 8
  CHECK(type(d, {0xE0, 0x1C, 0xE0, kSlash}) == "\n/");
  CHECK(type(d, {0xE0, 0x1D, kA, 0xE0, 0x1D | kRelease}) == "\x01");  // right Ctrl
}

TEST_CASE("fake shifts around extended keys are ignored", "[keyboard]") {
  ScancodeDecoder d;
  // Print Screen: E0 2A E0 37, release E0 B7 E0 AA.
  CHECK_FALSE(d.feed(0xE0).has_value());
  CHECK_FALSE(d.feed(0x2A).has_value());
  CHECK((d.modifiers() & kShift) == 0);
  CHECK(type(d, {0xE0, 0x37, 0xE0, 0xB7, 0xE0, 0xAA, kA}) == "a");
}

TEST_CASE("Pause's six-byte sequence is one event", "[keyboard]") {
  ScancodeDecoder d;
  auto e = d.feed(0xE1);
  REQUIRE(e.has_value());
  CHECK(e->key == Key::Pause);
  for (u8 b : {0x1D, 0x45, 0xE1, 0x9D, 0xC5}) CHECK_FALSE(d.feed(b).has_value());
  CHECK(type(d, {kA}) == "a");
}

TEST_CASE("keypad digits need Num Lock; its operators work either way", "[keyboard]") {
  ScancodeDecoder d;
  CHECK(type(d, {0x47, 0x4A, 0x4E, 0x37}) == "-+*");
  CHECK(type(d, {0x45, 0x45 | kRelease, 0x47, 0x52, 0x53}) == "70.");
}

TEST_CASE("controller answers and buffer errors produce no events", "[keyboard]") {
  ScancodeDecoder d;
  for (u8 b : {0x00, 0xFF, 0xFA, 0xFE}) CHECK_FALSE(d.feed(b).has_value());
  CHECK(d.modifiers() == 0);
}

TEST_CASE("the SPSC ring keeps order, drops when full and counts the drops", "[keyboard][ring]") {
  libk::SpscRing<int, 4> ring;
  for (int i = 0; i < 4; ++i) CHECK(ring.push(i));
  CHECK_FALSE(ring.push(99));
  CHECK(ring.dropped() == 1);
  CHECK(ring.size() == 4);
  for (int i = 0; i < 4; ++i) CHECK(ring.pop().value_or(-1) == i);
  CHECK_FALSE(ring.pop().has_value());
  CHECK(ring.empty());
  for (int round = 0; round < 10; ++round) {  // indices wrap around the storage
    CHECK(ring.push(round));
    CHECK(ring.pop().value_or(-1) == round);
  }
}

TEST_CASE("the SPSC ring passes every element between two threads in order", "[keyboard][ring]") {
  libk::SpscRing<u32, 64> ring;
  constexpr u32 kCount = 200'000;
  std::thread producer([&] {
    for (u32 i = 0; i < kCount;)
      if (ring.push(i)) ++i;
  });
  u32 expected = 0;
  while (expected < kCount) {
    if (auto v = ring.pop()) {
      REQUIRE(*v == expected);
      ++expected;
    }
  }
  producer.join();
  CHECK(ring.empty());
}
