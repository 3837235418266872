// The shell's input: the PS/2 keyboard and the serial port (COM1), merged. Serial bytes
// arrive by the UART's receive interrupt (IRQ 4) into a ring; key events come from
// kernel/keyboard. Both become line-editor inputs (libk/line_input.hpp).
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
  } kind;
  libk::line::EditInput input;
};

// The next edit input from either source, or word that the log printed since the last
// call (or clear_log_output()), waiting as long as it takes.
// Context: thread (one consumer: the shell).
Event wait();

// Forgets log output so far (the shell calls it before a new prompt).
void clear_log_output();

}  // namespace kernel::shell::input
