// Input for the line editor (libk/line_editor.hpp) from its two sources, normalised to
// editing actions:
//   - key events from the PS/2 keyboard (libk/keyboard.hpp), US layout;
//   - bytes from a serial terminal: UTF-8 text, control characters, and the VT100/xterm
//     escape sequences terminals send for the cursor and editing keys (ECMA-48 §5.4 CSI
//     syntax; xterm "PC-Style Function Keys": ESC [ A-D, ESC O A-D, ESC [ H/F, ESC O H/F,
//     ESC [ n ~ with 1/7 Home, 4/8 End, 3 Delete; ";5" modifiers for Ctrl).
// Both map the same control characters the same way (Emacs/readline bindings).
#pragma once

#include <libk/keyboard.hpp>
#include <libk/optional.hpp>
#include <libk/utf8.hpp>

namespace libk::line {

enum class EditKey : u8 {
  Insert,     // insert `codepoint`
  Enter,      // submit the line
  Backspace,  // delete the character before the cursor
  Delete,     // delete the character under the cursor (Delete, Ctrl-D)
  Left,
  Right,  // one character (Ctrl-B, Ctrl-F)
  WordLeft,
  WordRight,  // one word (Ctrl+arrows, Alt-B, Alt-F)
  Home,
  End,  // start / end of the line (Ctrl-A, Ctrl-E)
  Up,
  Down,            // history (Ctrl-P, Ctrl-N)
  KillToStart,     // Ctrl-U
  KillToEnd,       // Ctrl-K
  KillWordBefore,  // Ctrl-W
  Cancel,          // Ctrl-C: abandon the line
  ClearScreen,     // Ctrl-L
  Complete,        // Tab
  CursorReport,    // not a key: the terminal's answer to a cursor position query
};

struct EditInput {
  EditKey key;
  u32 codepoint = 0;        // for Insert
  u16 row = 0, column = 0;  // for CursorReport, 1-based (ECMA-48 CPR)
  bool operator==(const EditInput& o) const {
    return key == o.key && codepoint == o.codepoint && row == o.row && column == o.column;
  }
};

// Looking back through the console's scrollback (xterm's and Linux's keys): Shift+PgUp and
// Shift+PgDn move by half a screen, Shift+Home and Shift+End go to the oldest line and back
// to the live screen.
enum class ScrollKey : u8 { PageUp, PageDown, Top, Bottom };
Optional<ScrollKey> scroll_key(const keyboard::KeyEvent& event);

// The action a control character (below 0x20, or DEL) stands for, if any.
Optional<EditInput> from_control(u32 c);

// The action a key press stands for; releases, modifiers alone and unbound keys give none.
Optional<EditInput> from_key_event(const keyboard::KeyEvent& event);

// Turns a serial terminal's byte stream into edit inputs, one byte at a time.
class SerialInputDecoder {
 public:
  // Returns an input when `byte` completes one. Unknown escape sequences are consumed
  // whole and ignored; malformed UTF-8 is dropped; a CR followed by LF (or NUL) is one Enter.
  Optional<EditInput> feed(u8 byte);

 private:
  enum class State : u8 { Ground, Escape, Csi, Ss3 };
  static constexpr u8 kMaxParams = 4;

  Optional<EditInput> ground(u8 byte);
  Optional<EditInput> csi_final(u8 final_byte);
  void reset_sequence();

  State state_ = State::Ground;
  u16 params_[kMaxParams] = {};
  u8 param_count_ = 0;
  u8 sequence_length_ = 0;
  bool after_cr_ = false;
  Utf8Decoder utf8_;
};

}  // namespace libk::line
