#include <usb/hid.hpp>

namespace usb::hid {

namespace {

using libk::keyboard::kExtended;

constexpr u8 kErrorRollOver = 0x01;
constexpr u8 kFirstUsage = 0x04;  // 'a'

// Set-1 codes for usages 0x04 (a) to 0x65 (Application); 0 where there is none. Extended
// (0xE0-prefixed) keys carry kExtended.
constexpr u16 E = kExtended;
// One row per group of keys (clang-format would pack the table).
// clang-format off
constexpr u16 kSet1[] = {
    0x1E, 0x30, 0x2E, 0x20, 0x12, 0x21, 0x22, 0x23, 0x17, 0x24, 0x25, 0x26,  // a-l
    0x32, 0x31, 0x18, 0x19, 0x10, 0x13, 0x1F, 0x14, 0x16, 0x2F, 0x11, 0x2D,  // m-x
    0x15, 0x2C,                                                              // y z
    0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B,              // 1-9 0
    0x1C, 0x01, 0x0E, 0x0F, 0x39,                    // Enter Escape Backspace Tab Space
    0x0C, 0x0D, 0x1A, 0x1B, 0x2B, 0x2B, 0x27, 0x28,  // - = [ ] \ (non-US #) ; '
    0x29, 0x33, 0x34, 0x35, 0x3A,                    // ` , . / CapsLock
    0x3B, 0x3C, 0x3D, 0x3E, 0x3F, 0x40, 0x41, 0x42, 0x43, 0x44, 0x57, 0x58,  // F1-F12
    E | 0x37, 0x46, 0,                                           // PrintScreen ScrollLock (Pause)
    E | 0x52, E | 0x47, E | 0x49, E | 0x53, E | 0x4F, E | 0x51,  // Ins Home PgUp Del End PgDn
    E | 0x4D, E | 0x4B, E | 0x50, E | 0x48,                      // Right Left Down Up
    0x45, E | 0x35, 0x37, 0x4A, 0x4E, E | 0x1C,                  // NumLock KP/ KP* KP- KP+ KPEnter
    0x4F, 0x50, 0x51, 0x4B, 0x4C, 0x4D, 0x47, 0x48, 0x49, 0x52, 0x53,  // KP1-9 KP0 KP.
    0x56, E | 0x5D,                                              // non-US \ | Application
};
// clang-format on
static_assert(sizeof(kSet1) / sizeof(kSet1[0]) == 0x65 - kFirstUsage + 1);

constexpr u8 kPauseUsage = 0x48;

// Byte 0 of the report: bit n is usage 0xE0 + n (HID Usage Tables §10: LeftControl,
// LeftShift, LeftAlt, LeftGUI, RightControl, RightShift, RightAlt, RightGUI).
constexpr Key kModifierKeys[8] = {Key::LeftCtrl,  Key::LeftShift,  Key::LeftAlt,  Key::LeftGui,
                                  Key::RightCtrl, Key::RightShift, Key::RightAlt, Key::RightGui};

bool contains(const u8* keys, usize n, u8 usage) {
  for (usize i = 0; i < n; ++i)
    if (keys[i] == usage) return true;
  return false;
}

bool phantom(const u8* keys) {
  for (usize i = 0; i < 6; ++i)
    if (keys[i] != kErrorRollOver) return false;
  return true;
}

}  // namespace

Key key_for_usage(u8 usage) {
  if (usage == kPauseUsage) return Key::Pause;
  if (usage < kFirstUsage || usage - kFirstUsage >= sizeof(kSet1) / sizeof(kSet1[0]))
    return Key::None;
  return Key(kSet1[usage - kFirstUsage]);
}

void BootKeyboard::emit(Key key, bool pressed, KeyEvent (&out)[kMaxEventsPerReport], usize& n) {
  if (key == Key::None || n == kMaxEventsPerReport) return;
  out[n++] = state_.apply(key, pressed);
}

usize BootKeyboard::feed(libk::Bytes report, KeyEvent (&out)[kMaxEventsPerReport]) {
  if (report.size() < kBootKeyboardReport) return 0;
  const u8* keys = report.data() + 2;
  if (phantom(keys)) return 0;
  usize n = 0;
  for (u8 old : keys_)
    if (old >= kFirstUsage && !contains(keys, 6, old)) emit(key_for_usage(old), false, out, n);
  u8 modifiers = report[0];
  for (u8 bit = 0; bit < 8; ++bit) {
    bool was = (modifier_bits_ >> bit) & 1, is = (modifiers >> bit) & 1;
    if (was != is) emit(kModifierKeys[bit], is, out, n);
  }
  for (usize i = 0; i < 6; ++i)
    if (keys[i] >= kFirstUsage && !contains(keys_, 6, keys[i]) && !contains(keys, i, keys[i]))
      emit(key_for_usage(keys[i]), true, out, n);
  modifier_bits_ = modifiers;
  for (usize i = 0; i < 6; ++i) keys_[i] = keys[i];
  return n;
}

u8 BootKeyboard::leds() const {
  u8 m = state_.modifiers();
  return u8(((m & libk::keyboard::kNumLock) ? 1 : 0) | ((m & libk::keyboard::kCapsLock) ? 2 : 0));
}

void KeyRepeat::on_event(const KeyEvent& e, u64 now_ns) {
  if (e.pressed && !libk::keyboard::is_modifier_or_lock(e.key) && e.key != Key::Pause) {
    key_ = e.key;
    due_ns_ = now_ns + kDelayNs;
  } else if (!e.pressed && e.key == key_) {
    key_ = Key::None;
  }
}

libk::Optional<u64> KeyRepeat::deadline() const {
  if (key_ == Key::None) return libk::nullopt;
  return due_ns_;
}

libk::Optional<Key> KeyRepeat::poll(u64 now_ns) {
  if (key_ == Key::None || now_ns < due_ns_) return libk::nullopt;
  due_ns_ = now_ns + kPeriodNs;
  return key_;
}

libk::Optional<MouseEvent> BootMouse::feed(libk::Bytes report) {
  if (report.size() < 3) return libk::nullopt;
  u8 buttons = report[0] & 7;
  MouseEvent e{i16(i8(report[1])), i16(i8(report[2])), i16(report.size() > 3 ? i8(report[3]) : 0),
               buttons, u8(buttons ^ buttons_)};
  buttons_ = buttons;
  return e;
}

}  // namespace usb::hid
