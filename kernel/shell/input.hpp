// The shell's input: the PS/2 keyboard and the serial port (COM1), merged. Serial bytes
// arrive by the UART's receive interrupt (IRQ 4) into a ring; key events come from
// kernel/keyboard. Both become line-editor inputs (libk/line_input.hpp).
#pragma once

#include <libk/line_input.hpp>

namespace kernel::shell::input {

// Routes COM1's receive interrupt. Without it (no I/O APIC route) the serial port is
// polled while waiting. Context: boot sequence, after interrupts::init().
void init();

// The next edit input from either source, waiting as long as it takes.
// Context: thread (one consumer: the shell).
libk::line::EditInput wait();

// Bytes the serial ring had to drop because the shell did not keep up.
u32 dropped_serial_bytes();

}  // namespace kernel::shell::input
