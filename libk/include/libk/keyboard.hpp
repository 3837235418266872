// PC keyboard scancode decoding: scancode set 1 bytes (what an i8042 with translation
// delivers; IBM PC AT technical reference, and Microsoft's "Keyboard Scan Code
// Specification" for the 0xE0/0xE1 sequences) -> key events with modifier state and, for a
// US layout, the character the key types. Pure logic, fed one byte at a time from the IRQ
// handler and tested on the host.
#pragma once

#include <libk/optional.hpp>
#include <libk/types.hpp>

namespace libk::keyboard {

// A key: its set-1 make code, with kExtended added for 0xE0-prefixed keys.
enum class Key : u16 {
  None = 0,
  Escape = 0x01,
  Backspace = 0x0E,
  Tab = 0x0F,
  Enter = 0x1C,
  LeftCtrl = 0x1D,
  LeftShift = 0x2A,
  RightShift = 0x36,
  LeftAlt = 0x38,
  Space = 0x39,
  CapsLock = 0x3A,
  F1 = 0x3B,
  F10 = 0x44,
  NumLock = 0x45,
  ScrollLock = 0x46,
  F11 = 0x57,
  F12 = 0x58,
  KeypadEnter = 0x11C,
  RightCtrl = 0x11D,
  KeypadSlash = 0x135,
  RightAlt = 0x138,
  Home = 0x147,
  Up = 0x148,
  PageUp = 0x149,
  Left = 0x14B,
  Right = 0x14D,
  End = 0x14F,
  Down = 0x150,
  PageDown = 0x151,
  Insert = 0x152,
  Delete = 0x153,
  LeftGui = 0x15B,
  RightGui = 0x15C,
  Menu = 0x15D,
  Pause = 0x200,
};
inline constexpr u16 kExtended = 0x100;

// Modifier and lock state, as a bit set.
enum Modifier : u8 {
  kShift = 1 << 0,
  kCtrl = 1 << 1,
  kAlt = 1 << 2,
  kGui = 1 << 3,
  kCapsLock = 1 << 4,
  kNumLock = 1 << 5,
};

struct KeyEvent {
  Key key;
  bool pressed;   // false: released
  u8 modifiers;   // the state after this event
  u32 codepoint;  // the character typed (presses only), 0 if none; Ctrl+letter gives 1-26
};

// Modifier and lock state, and the character a key types on the US layout: what every
// keyboard decoder shares (PS/2 scancodes here, USB HID reports in usb/hid.hpp).
class KeyState {
 public:
  // Records a press or release of `key` and returns the event, with the state after it.
  KeyEvent apply(Key key, bool pressed);
  // The event a press of `key` would give now, without changing the state (key repeat).
  KeyEvent press_event(Key key) const;
  u8 modifiers() const;

 private:
  void update_modifiers(Key key, bool pressed);
  u32 character(Key key) const;

  bool left_shift_ = false, right_shift_ = false;
  bool left_ctrl_ = false, right_ctrl_ = false;
  bool left_alt_ = false, right_alt_ = false;
  bool left_gui_ = false, right_gui_ = false;
  bool caps_lock_ = false, num_lock_ = false;
};

// True for the keys that only change the state (Shift, Ctrl, Alt, GUI, the locks).
bool is_modifier_or_lock(Key key);

class ScancodeDecoder {
 public:
  // Feeds one byte. Returns an event when the byte completes one; prefixes, the parts of
  // multi-byte sequences, the fake shifts around some extended keys, controller answers and
  // unknown codes return nothing.
  Optional<KeyEvent> feed(u8 byte);

  u8 modifiers() const { return state_.modifiers(); }

 private:
  KeyState state_;
  bool extended_ = false;  // saw 0xE0
  u8 skip_ = 0;            // bytes left of a Pause (0xE1) sequence
};

}  // namespace libk::keyboard
