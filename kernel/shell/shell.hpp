// The kernel shell (docs/shell.md): a prompt on the framebuffer console and on the serial
// port at once, a line editor (libk/line_editor.hpp) fed by the keyboard and by the serial
// terminal, and the commands of kernel/shell/commands.cpp.
#pragma once

#include <libk/result.hpp>

#include "sched/thread.hpp"

namespace kernel::shell {

// Sets up the serial input. Context: boot sequence, after interrupts and the keyboard.
void init();

// Starts the shell thread ("shell"): it prints the welcome line and runs the
// read-edit-execute loop forever. Context: thread.
libk::Result<Thread*, ThreadError> start();

}  // namespace kernel::shell
