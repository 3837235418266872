#include <libk/keyboard.hpp>

namespace libk::keyboard {

namespace {

// US layout for set-1 codes 0x00-0x39 (the main block), without and with Shift.
constexpr char kPlain[] =
    "\0\x1b"
    "1234567890-=\b\t"
    "qwertyuiop[]\n\0"
    "asdfghjkl;'`\0\\"
    "zxcvbnm,./\0*\0 ";
constexpr char kShifted[] =
    "\0\x1b"
    "!@#$%^&*()_+\b\t"
    "QWERTYUIOP{}\n\0"
    "ASDFGHJKL:\"~\0|"
    "ZXCVBNM<>?\0*\0 ";
static_assert(sizeof(kPlain) - 1 == 0x3A && sizeof(kShifted) - 1 == 0x3A);

// Keypad 0x47-0x53 with Num Lock on (0x4A and 0x4E type - and + either way).
constexpr char kKeypad[] = "789-456+1230.";
static_assert(sizeof(kKeypad) - 1 == 0x53 - 0x47 + 1);

constexpr u8 kPrefixExtended = 0xE0;
constexpr u8 kPrefixPause = 0xE1;
constexpr u8 kBreak = 0x80;

bool is_letter(char c) { return c >= 'a' && c <= 'z'; }

}  // namespace

u8 KeyState::modifiers() const {
  u8 m = 0;
  if (left_shift_ || right_shift_) m |= kShift;
  if (left_ctrl_ || right_ctrl_) m |= kCtrl;
  if (left_alt_ || right_alt_) m |= kAlt;
  if (left_gui_ || right_gui_) m |= kGui;
  if (caps_lock_) m |= kCapsLock;
  if (num_lock_) m |= kNumLock;
  return m;
}

void KeyState::update_modifiers(Key key, bool pressed) {
  switch (key) {
    case Key::LeftShift: left_shift_ = pressed; break;
    case Key::RightShift: right_shift_ = pressed; break;
    case Key::LeftCtrl: left_ctrl_ = pressed; break;
    case Key::RightCtrl: right_ctrl_ = pressed; break;
    case Key::LeftAlt: left_alt_ = pressed; break;
    case Key::RightAlt: right_alt_ = pressed; break;
    case Key::LeftGui: left_gui_ = pressed; break;
    case Key::RightGui: right_gui_ = pressed; break;
    case Key::CapsLock: caps_lock_ ^= pressed; break;  // toggles on each press
    case Key::NumLock: num_lock_ ^= pressed; break;
    default: break;
  }
}

u32 KeyState::character(Key key) const {
  u16 code = u16(key);
  if (key == Key::KeypadEnter) return '\n';
  if (key == Key::KeypadSlash) return '/';
  if (code >= 0x47 && code <= 0x53) {
    bool arithmetic = code == 0x4A || code == 0x4E;
    return num_lock_ || arithmetic ? u32(kKeypad[code - 0x47]) : 0;
  }
  if (code >= sizeof(kPlain) - 1) return 0;
  char plain = kPlain[code];
  bool shift = left_shift_ || right_shift_;
  if (is_letter(plain) && caps_lock_) shift = !shift;
  char c = shift ? kShifted[code] : plain;
  if (left_ctrl_ || right_ctrl_) {
    if (is_letter(plain)) return u32(plain - 'a' + 1);  // Ctrl+A = 0x01 ... Ctrl+Z = 0x1A
    if (plain == '[' || plain == '\\' || plain == ']') return u32(plain - 0x40);  // ESC, FS, GS
  }
  return u8(c);
}

KeyEvent KeyState::apply(Key key, bool pressed) {
  update_modifiers(key, pressed);
  return KeyEvent{key, pressed, modifiers(), pressed ? character(key) : 0};
}

KeyEvent KeyState::press_event(Key key) const {
  return KeyEvent{key, true, modifiers(), character(key)};
}

bool is_modifier_or_lock(Key key) {
  switch (key) {
    case Key::LeftShift:
    case Key::RightShift:
    case Key::LeftCtrl:
    case Key::RightCtrl:
    case Key::LeftAlt:
    case Key::RightAlt:
    case Key::LeftGui:
    case Key::RightGui:
    case Key::CapsLock:
    case Key::NumLock:
    case Key::ScrollLock: return true;
    default: return false;
  }
}

Optional<KeyEvent> ScancodeDecoder::feed(u8 byte) {
  if (skip_ > 0) {
    --skip_;
    return nullopt;
  }
  if (byte == kPrefixPause) {  // E1 1D 45 E1 9D C5: press and release together
    skip_ = 5;
    return KeyEvent{Key::Pause, true, state_.modifiers(), 0};
  }
  if (byte == kPrefixExtended) {
    extended_ = true;
    return nullopt;
  }
  bool extended = extended_;
  extended_ = false;
  u8 code = byte & ~kBreak;
  bool pressed = !(byte & kBreak);
  if (code == 0 || byte == 0xFF || byte == 0xFA || byte == 0xFE) return nullopt;
  // E0 2A / E0 36 (and their breaks) are "fake shifts" around extended keys: ignore them.
  if (extended && (code == 0x2A || code == 0x36)) return nullopt;
  Key key = Key(extended ? u16(kExtended | code) : u16(code));
  return state_.apply(key, pressed);
}

}  // namespace libk::keyboard
