// The console terminal's line discipline, as pure logic (kernel/tty/tty.cpp owns the one
// instance, its lock and its readers):
//   - InputQueue: what was typed and not read yet. In canonical mode the queue holds finished
//     lines and ends of file (Ctrl-D on an empty line) at positions between them; a read takes
//     at most one line, or one end of file (0 bytes). In raw mode a read takes whatever bytes
//     are there, up to its buffer.
//   - raw_bytes: the bytes a raw-mode reader gets for one key, as a terminal would have sent
//     them (xterm "PC-Style Function Keys" for the cursor keys, control characters as C0
//     codes).
#pragma once

#include <libk/line_input.hpp>
#include <libk/optional.hpp>
#include <libk/span.hpp>
#include <libk/string_view.hpp>

namespace libk::tty {

// Values as abi::kTtyCanonical / abi::kTtyRaw.
enum class Mode : u8 { Canonical = 0, Raw = 1 };

class InputQueue {
 public:
  static constexpr usize kBytes = 4096;
  static constexpr usize kMaxEofs = 8;

  // Appends `text` (bytes past the capacity are dropped) and then, if `end_of_file`, an end of
  // file (dropped past kMaxEofs pending). Returns the bytes kept.
  usize push(StringView text, bool end_of_file);
  // A read: up to one line (canonical) or every byte that fits (raw), never across an end of
  // file; an end of file at the front is taken alone and gives 0. Nothing when the queue is
  // empty (the reader waits).
  Optional<usize> take(Span<u8> out, Mode mode);
  // Bytes plus ends of file waiting: a reader has something to take iff this is above 0.
  u64 readable() const { return (written_ - taken_) + eof_count_; }
  void clear();

 private:
  bool eof_at_front() const { return eof_count_ > 0 && eofs_[0] == taken_; }

  u8 bytes_[kBytes] = {};
  u64 written_ = 0, taken_ = 0;  // bytes ever pushed / taken
  u64 eofs_[kMaxEofs] = {};      // positions (in pushed bytes) of pending ends of file
  usize eof_count_ = 0;
};

inline constexpr usize kMaxRawBytes = 16;
// The bytes a raw-mode reader gets for `input`; returns how many (0: none). Enter is CR (a
// terminal's Enter key; raw mode does no CR-to-LF), Backspace DEL, Ctrl-C 0x03, and the
// Delete key and Ctrl-D both 0x04 (the input decoder gives them one action).
usize raw_bytes(const line::EditInput& input, char (&out)[kMaxRawBytes]);

}  // namespace libk::tty
