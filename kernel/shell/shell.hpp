// The kernel shell (docs/shell.md): a prompt on the framebuffer console and on the serial
// port at once, a line editor (libk/line_editor.hpp) fed by the keyboard and by the serial
// terminal, and the commands of kernel/shell/commands.cpp.
#pragma once

namespace kernel::shell {

// Sets up the serial input. Context: boot sequence, after interrupts and the keyboard.
void init();

// Prints the welcome line and runs the read-edit-execute loop forever.
// Context: thread (it waits for input).
[[noreturn]] void run();

}  // namespace kernel::shell
