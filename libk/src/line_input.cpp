#include <libk/line_input.hpp>

namespace libk::line {

namespace {

using keyboard::Key;

constexpr u8 kEsc = 0x1B;
constexpr u8 kDel = 0x7F;
constexpr u8 kMaxSequence = 16;  // longer escape sequences are garbage: give up on them

EditInput key(EditKey k) { return EditInput{k, 0}; }

// The cursor keys, whether extended (grey keys) or on the keypad with Num Lock off.
Optional<EditInput> cursor_key(Key k, bool ctrl) {
  switch (u16(k) & ~keyboard::kExtended) {
    case 0x47: return key(EditKey::Home);
    case 0x48: return key(EditKey::Up);
    case 0x4B: return key(ctrl ? EditKey::WordLeft : EditKey::Left);
    case 0x4D: return key(ctrl ? EditKey::WordRight : EditKey::Right);
    case 0x4F: return key(EditKey::End);
    case 0x50: return key(EditKey::Down);
    case 0x53: return key(EditKey::Delete);
    default: return nullopt;
  }
}

}  // namespace

Optional<EditInput> from_control(u32 c) {
  switch (c) {
    case 0x01: return key(EditKey::Home);            // Ctrl-A
    case 0x02: return key(EditKey::Left);            // Ctrl-B
    case 0x03: return key(EditKey::Cancel);          // Ctrl-C
    case 0x04: return key(EditKey::Delete);          // Ctrl-D
    case 0x05: return key(EditKey::End);             // Ctrl-E
    case 0x06: return key(EditKey::Right);           // Ctrl-F
    case 0x08: return key(EditKey::Backspace);       // Ctrl-H, BS
    case 0x09: return key(EditKey::Complete);        // Tab
    case 0x0A: return key(EditKey::Enter);           // LF
    case 0x0B: return key(EditKey::KillToEnd);       // Ctrl-K
    case 0x0C: return key(EditKey::ClearScreen);     // Ctrl-L
    case 0x0D: return key(EditKey::Enter);           // CR
    case 0x0E: return key(EditKey::Down);            // Ctrl-N
    case 0x10: return key(EditKey::Up);              // Ctrl-P
    case 0x15: return key(EditKey::KillToStart);     // Ctrl-U
    case 0x17: return key(EditKey::KillWordBefore);  // Ctrl-W
    case kDel: return key(EditKey::Backspace);       // what most terminals send for Backspace
    default: return nullopt;
  }
}

Optional<EditInput> from_key_event(const keyboard::KeyEvent& event) {
  if (!event.pressed) return nullopt;
  bool ctrl = event.modifiers & keyboard::kCtrl;
  u16 code = u16(event.key);
  bool extended = code & keyboard::kExtended;
  // Grey cursor keys always; keypad ones only when they type no digit (Num Lock off).
  if ((extended || event.codepoint == 0) && code != u16(Key::KeypadEnter))
    if (auto k = cursor_key(event.key, ctrl)) return k;
  u32 c = event.codepoint;
  if (c == 0 || c == kEsc) return nullopt;
  if (c < 0x20 || c == kDel) return from_control(c);
  return EditInput{EditKey::Insert, c};
}

Optional<ScrollKey> scroll_key(const keyboard::KeyEvent& event) {
  if (!event.pressed || !(event.modifiers & keyboard::kShift)) return nullopt;
  switch (event.key) {
    case Key::PageUp: return ScrollKey::PageUp;
    case Key::PageDown: return ScrollKey::PageDown;
    case Key::Home: return ScrollKey::Top;
    case Key::End: return ScrollKey::Bottom;
    default: return nullopt;
  }
}

void SerialInputDecoder::reset_sequence() {
  state_ = State::Ground;
  param_count_ = 0;
  sequence_length_ = 0;
  for (u16& p : params_) p = 0;
}

Optional<EditInput> SerialInputDecoder::csi_final(u8 final_byte) {
  u16 first = params_[0], second = params_[1];
  bool ctrl = param_count_ >= 2 && params_[1] == 5;  // xterm modifier 5 = Ctrl
  bool two = param_count_ == 2;
  reset_sequence();
  switch (final_byte) {
    case 'R':  // CPR, ESC [ row ; column R (ECMA-48 §8.3.14)
      if (!two) return nullopt;
      return EditInput{EditKey::CursorReport, 0, first, second};
    case 'A': return key(EditKey::Up);
    case 'B': return key(EditKey::Down);
    case 'C': return key(ctrl ? EditKey::WordRight : EditKey::Right);
    case 'D': return key(ctrl ? EditKey::WordLeft : EditKey::Left);
    case 'H': return key(EditKey::Home);
    case 'F': return key(EditKey::End);
    case '~':
      if (first == 1 || first == 7) return key(EditKey::Home);
      if (first == 4 || first == 8) return key(EditKey::End);
      if (first == 3) return key(EditKey::Delete);
      return nullopt;  // Insert, Page Up/Down, function keys: not bound
    default: return nullopt;
  }
}

Optional<EditInput> SerialInputDecoder::ground(u8 byte) {
  bool after_cr = after_cr_;
  after_cr_ = byte == '\r';
  if (after_cr && (byte == '\n' || byte == 0)) return nullopt;  // CR LF / CR NUL: one Enter
  if (byte == kEsc) {
    state_ = State::Escape;
    return nullopt;
  }
  if (byte < 0x20 || byte == kDel) return from_control(byte);
  char32_t out[2];
  usize n = utf8_.feed(byte, out);
  // Only a complete, well-formed character is inserted; U+FFFD marks dropped garbage.
  if (n == 0 || out[n - 1] == kReplacementCharacter) return nullopt;
  return EditInput{EditKey::Insert, u32(out[n - 1])};
}

Optional<EditInput> SerialInputDecoder::feed(u8 byte) {
  if (state_ != State::Ground && ++sequence_length_ > kMaxSequence) reset_sequence();
  switch (state_) {
    case State::Ground:
      if (byte < 0x80 && utf8_.pending()) utf8_ = Utf8Decoder();  // an interrupted character
      return ground(byte);
    case State::Escape:
      if (byte == '[') return state_ = State::Csi, nullopt;
      if (byte == 'O') return state_ = State::Ss3, nullopt;
      reset_sequence();
      if (byte == 'b') return key(EditKey::WordLeft);  // Alt-B / Meta-B
      if (byte == 'f') return key(EditKey::WordRight);
      return ground(byte);  // a lone Escape: drop it, keep the byte
    case State::Ss3: return csi_final(byte);
    case State::Csi:
      if (byte >= '0' && byte <= '9') {
        u16& p = params_[param_count_ == 0 ? 0 : param_count_ - 1];
        if (param_count_ == 0) param_count_ = 1;
        if (p < 1000) p = u16(p * 10 + (byte - '0'));
        return nullopt;
      }
      if (byte == ';') {
        if (param_count_ == 0) param_count_ = 1;
        if (param_count_ < kMaxParams) ++param_count_;
        return nullopt;
      }
      if (byte >= 0x40 && byte <= 0x7E) return csi_final(byte);
      if (byte >= 0x20 && byte < 0x40) return nullopt;  // other parameter/intermediate bytes
      reset_sequence();  // a control character inside a sequence: abandon it
      return ground(byte);
  }
  return nullopt;
}

}  // namespace libk::line
