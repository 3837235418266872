// USB HID boot-protocol reports (HID 1.11 Appendix B): the keyboard's 8-byte report becomes
// key events on the same US layout as the PS/2 keyboard (libk/keyboard.hpp), the mouse's
// report becomes movement and buttons. Reports come from devices and are untrusted: short
// ones are refused and the keyboard's "phantom" (error rollover) report is ignored.
#pragma once

#include <libk/keyboard.hpp>
#include <libk/optional.hpp>
#include <libk/span.hpp>

namespace usb::hid {

using libk::keyboard::Key;
using libk::keyboard::KeyEvent;

// The set-1 key (libk::keyboard::Key) for a HID Keyboard/Keypad page usage (HID Usage Tables
// 1.12 §10; Microsoft's Keyboard Scan Code Specification, Appendix C, pairs each usage with
// its set-1 code), or Key::None for usages Ember does not know.
Key key_for_usage(u8 usage);

// Boot keyboard input report — HID 1.11 Appendix B.1: modifier bits (byte 0), a reserved
// byte, then up to six usages of the keys held down.
inline constexpr usize kBootKeyboardReport = 8;
inline constexpr usize kMaxEventsPerReport = 8 + 6 + 6;  // modifiers, releases, presses

class BootKeyboard {
 public:
  // Decodes one report against the previous one into `out`: releases first, then modifier
  // changes, then presses (so Shift held with a letter in one report types the capital).
  // Returns how many events it wrote; 0 for a report that is too short or a phantom report
  // (all six usages 0x01, ErrorRollOver), which leaves the state as it was.
  usize feed(libk::Bytes report, KeyEvent (&out)[kMaxEventsPerReport]);

  u8 modifiers() const { return state_.modifiers(); }
  // The output report that lights the lock LEDs — HID 1.11 Appendix B.1: bit 0 Num Lock,
  // bit 1 Caps Lock.
  u8 leds() const;
  // A press event for `key` with today's modifiers (what a repeat types).
  KeyEvent repeat_event(Key key) const { return state_.press_event(key); }

 private:
  void emit(Key key, bool pressed, KeyEvent (&out)[kMaxEventsPerReport], usize& n);

  libk::keyboard::KeyState state_;
  u8 modifier_bits_ = 0;
  u8 keys_[6] = {};
};

// Software key repeat: USB keyboards report only changes (SET_IDLE 0, HID 1.11 §7.2.4), so
// the host repeats a held key. A press of a key that types or moves (not a modifier or lock)
// starts the delay; the repeats then come every period until that key is released or another
// key is pressed. Times are monotonic nanoseconds; pure, driven by the caller's clock.
class KeyRepeat {
 public:
  static constexpr u64 kDelayNs = 500'000'000;  // as the PS/2 default typematic delay
  static constexpr u64 kPeriodNs = 33'333'333;  // 30 characters a second

  void on_event(const KeyEvent& e, u64 now_ns);
  // When the next repeat is due, if a key is held.
  libk::Optional<u64> deadline() const;
  // The key to repeat now, if one is due; advances the deadline by one period (a caller
  // that was late gets one repeat, not a burst).
  libk::Optional<Key> poll(u64 now_ns);

 private:
  Key key_ = Key::None;
  u64 due_ns_ = 0;
};

// Boot mouse input report — HID 1.11 Appendix B.2: buttons (bits 0-2), X and Y movement as
// signed bytes, then (most mice, QEMU's too) a wheel byte.
struct MouseEvent {
  i16 dx, dy, wheel;
  u8 buttons;  // bit 0 left, 1 right, 2 middle
  u8 changed;  // buttons that changed since the previous report
};
class BootMouse {
 public:
  // nullopt for a report shorter than 3 bytes.
  libk::Optional<MouseEvent> feed(libk::Bytes report);

 private:
  u8 buttons_ = 0;
};

}  // namespace usb::hid
