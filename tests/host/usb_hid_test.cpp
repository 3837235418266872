// HID boot reports (usb/hid.hpp): USB keyboard reports become the same key events as the
// PS/2 scancodes for the same keys, and the key repeat follows a fake clock.
#include <catch2/catch.hpp>
#include <string>
#include <usb/hid.hpp>
#include <vector>

#include <libk/keyboard.hpp>

using namespace usb::hid;
using libk::keyboard::kCapsLock;
using libk::keyboard::kShift;

namespace {

struct Typist {
  BootKeyboard kb;
  std::vector<KeyEvent> events;

  void report(u8 modifiers, std::initializer_list<u8> usages) {
    u8 r[8] = {modifiers, 0};
    usize i = 2;
    for (u8 u : usages) r[i++] = u;
    KeyEvent out[kMaxEventsPerReport];
    usize n = kb.feed({r, 8}, out);
    events.insert(events.end(), out, out + n);
  }
  std::string typed() const {
    std::string s;
    for (const KeyEvent& e : events)
      if (e.pressed && e.codepoint) s += char(e.codepoint);
    return s;
  }
};

constexpr u8 kA = 0x04, kB = 0x05, kH = 0x0B, kI = 0x0C, k1 = 0x1E, kCaps = 0x39,
             kLeftShift = 1 << 1, kLeftCtrl = 1 << 0;

}  // namespace

TEST_CASE("a press and release report type a letter", "[usb][hid]") {
  Typist t;
  t.report(0, {kH});
  t.report(0, {});
  t.report(0, {kI});
  t.report(0, {});
  CHECK(t.typed() == "hi");
  REQUIRE(t.events.size() == 4);
  CHECK(t.events[1].key == libk::keyboard::Key(0x23));
  CHECK_FALSE(t.events[1].pressed);
}

TEST_CASE("Shift in the same report as a letter types the capital", "[usb][hid]") {
  Typist t;
  t.report(kLeftShift, {kA, k1});
  t.report(0, {});
  CHECK(t.typed() == "A!");
  CHECK((t.events[0].modifiers & kShift) != 0);
}

TEST_CASE("a key held while another is pressed is not pressed again", "[usb][hid]") {
  Typist t;
  t.report(0, {kA});
  t.report(0, {kA, kB});
  t.report(0, {kB});
  t.report(0, {});
  CHECK(t.typed() == "ab");
  CHECK(t.events.size() == 4);
}

TEST_CASE("Caps Lock toggles and the LED report follows it", "[usb][hid]") {
  Typist t;
  t.report(0, {kCaps});
  t.report(0, {});
  CHECK(t.kb.leds() == 2);
  CHECK((t.kb.modifiers() & kCapsLock) != 0);
  t.report(0, {kA});
  t.report(0, {});
  t.report(0, {kCaps});
  t.report(0, {});
  CHECK(t.kb.leds() == 0);
  CHECK(t.typed() == "A");
}

TEST_CASE("Ctrl+C gives control character 3", "[usb][hid]") {
  Typist t;
  t.report(kLeftCtrl, {0x06});
  CHECK(t.events.back().codepoint == 3);
}

TEST_CASE("USB usages give the same events as the PS/2 scancodes of the same keys", "[usb][hid]") {
  // Every usage Ember maps, pressed alone, against the set-1 decoder fed the same key.
  for (u8 usage = 0x04; usage <= 0x65; ++usage) {
    libk::keyboard::Key key = key_for_usage(usage);
    if (key == libk::keyboard::Key::None || key == libk::keyboard::Key::Pause) continue;
    Typist t;
    t.report(0, {usage});
    REQUIRE(t.events.size() == 1);
    libk::keyboard::ScancodeDecoder ps2;
    u16 code = u16(key);
    if (code & libk::keyboard::kExtended) (void)ps2.feed(0xE0);
    auto expected = ps2.feed(u8(code & 0xFF));
    INFO("usage " << int(usage));
    REQUIRE(expected);
    CHECK(t.events[0].key == expected->key);
    CHECK(t.events[0].codepoint == expected->codepoint);
    CHECK(t.events[0].modifiers == expected->modifiers);
  }
}

TEST_CASE("a phantom (error rollover) report and a short report change nothing", "[usb][hid]") {
  Typist t;
  t.report(0, {kA});
  t.report(0, {1, 1, 1, 1, 1, 1});
  CHECK(t.events.size() == 1);
  u8 short_report[4] = {0, 0, kB, 0};
  KeyEvent out[kMaxEventsPerReport];
  CHECK(t.kb.feed({short_report, 4}, out) == 0);
  t.report(0, {});
  CHECK(t.events.size() == 2);  // the release of a
}

TEST_CASE("unknown and reserved usages are ignored", "[usb][hid]") {
  CHECK(key_for_usage(0x00) == libk::keyboard::Key::None);
  CHECK(key_for_usage(0x03) == libk::keyboard::Key::None);
  CHECK(key_for_usage(0xA0) == libk::keyboard::Key::None);
  Typist t;
  t.report(0, {0xA0, 0xFF});
  CHECK(t.events.empty());
}

TEST_CASE("a held key repeats after the delay, at the period, until released", "[usb][hid]") {
  KeyRepeat r;
  Typist t;
  t.report(0, {kA});
  r.on_event(t.events[0], 1'000);
  CHECK(*r.deadline() == 1'000 + KeyRepeat::kDelayNs);
  CHECK_FALSE(r.poll(1'000 + KeyRepeat::kDelayNs - 1));
  CHECK(*r.poll(1'000 + KeyRepeat::kDelayNs) == t.events[0].key);
  u64 next = *r.deadline();
  CHECK(next == 1'000 + KeyRepeat::kDelayNs + KeyRepeat::kPeriodNs);
  CHECK(*r.poll(next + 10 * KeyRepeat::kPeriodNs) == t.events[0].key);  // late: one repeat
  CHECK(*r.deadline() == next + 11 * KeyRepeat::kPeriodNs);
  t.report(0, {});
  r.on_event(t.events[1], next);
  CHECK_FALSE(r.deadline());
}

TEST_CASE("modifiers do not repeat; another key takes the repeat over", "[usb][hid]") {
  KeyRepeat r;
  Typist t;
  t.report(kLeftShift, {});
  r.on_event(t.events[0], 0);
  CHECK_FALSE(r.deadline());
  t.report(kLeftShift, {kA});
  r.on_event(t.events[1], 10);
  t.report(kLeftShift, {kA, kB});
  r.on_event(t.events[2], 20);
  CHECK(*r.poll(20 + KeyRepeat::kDelayNs) == key_for_usage(kB));
  t.report(kLeftShift, {kB});  // releasing a does not stop b's repeat
  r.on_event(t.events[3], 30);
  CHECK(r.deadline());
  CHECK(t.kb.repeat_event(key_for_usage(kB)).codepoint == 'B');
}

TEST_CASE("boot mouse reports give signed movement and button changes", "[usb][hid]") {
  BootMouse m;
  u8 r1[4] = {1, 0xFB, 10, 0xFF};
  auto e = m.feed({r1, 4});
  REQUIRE(e);
  CHECK(e->dx == -5);
  CHECK(e->dy == 10);
  CHECK(e->wheel == -1);
  CHECK(e->buttons == 1);
  CHECK(e->changed == 1);
  u8 r2[3] = {3, 0, 0};
  e = m.feed({r2, 3});
  CHECK(e->changed == 2);
  CHECK(e->wheel == 0);
  CHECK_FALSE(m.feed({r2, 2}));
}
