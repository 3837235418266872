// The shell's input: the PS/2 keyboard and the serial port (COM1), merged. Serial bytes
// arrive by the UART's receive interrupt (IRQ 4) into a ring (a full ring holds the sender
// back instead of dropping); key events come from kernel/keyboard. Both become line-editor
// inputs (libk/line_input.hpp); Shift+PgUp/PgDn/Home/End scroll the console's view instead.
#pragma once

#include <libk/line_input.hpp>

namespace kernel::shell::input {

// Routes COM1's receive interrupt. Without it (no I/O APIC route) the serial port is
// polled while waiting. Context: boot sequence, after interrupts::init().
void init();

struct Event {
  enum class Kind : u8 {
    Input,      // `input` is the next edit input
    LogOutput,  // the kernel log printed something (over the line being typed)
    Stopped,    // wait(stop): stop() became true
  } kind;
  libk::line::EditInput input;
};

// The next edit input from either source, or word that the log printed since the last
// call (or clear_log_output()), waiting as long as it takes.
// Context: thread (one consumer: the shell).
Event wait();
// The same, also returning Stopped once `stop()` is true (checked after each wake(); it must
// be quick and must not block). Context: the shell thread.
Event wait(bool (*stop)());
// Wakes the shell's wait (for its stop condition). Context: any.
void wake();

// The next edit input if one is already buffered (the rest of a burst), without waiting.
// Context: the shell thread.
libk::Optional<libk::line::EditInput> poll();

// The serial terminal's width: `configured` (serial_columns= on the command line) if
// given, else what the terminal answers to a cursor position query within 300 ms, else 80.
// Context: the shell thread, before it reads input.
u32 serial_columns(libk::Optional<u32> configured);

// Forgets log output so far (the shell calls it before a new prompt).
void clear_log_output();

}  // namespace kernel::shell::input
