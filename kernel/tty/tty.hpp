// The console as a terminal for programs (docs/processes.md, "The terminal"): the device
// behind descriptors 0, 1 and 2 of every process and /dev/console. Writes go to the console
// (screen and serial). Reads take canonical input: whole lines, typed with echo and the
// line editor's keys (libk/line_editor.hpp), one line per read at most; Ctrl-D (or Delete)
// on an empty line is end of file (a read returns 0 once).
//
// The input comes from the shell, which owns the keyboard and serial input
// (kernel/shell/input.hpp): while a program runs in the foreground it feeds each input here
// (feed); Ctrl-C is not fed but reported back, and the shell ends the program.
#pragma once

#include <libk/format.hpp>
#include <libk/line_input.hpp>

#include "fs/vfs.hpp"

namespace kernel::tty {

fs::Vnode& console_vnode();

// Starts a fresh input line (the shell hands the terminal to a program). Context: the shell
// thread.
void begin_line();

enum class Fed : u8 { Taken, Interrupt };
// One input for the line being typed; echo goes to the console. Interrupt for Ctrl-C (the
// line is dropped). Context: the shell thread (the only feeder).
Fed feed(const libk::line::EditInput& input);
// What feed() would do with a finished line and an end of file, without echo: for tests
// that drive programs without a keyboard. Context: thread.
void push_line(libk::StringView text);
void push_end_of_file();

// Wakes readers so that one whose process is being killed returns Interrupted.
// Context: any.
void wake_readers();
// Whether some thread is blocked reading the terminal (for tests).
bool readers_waiting();

// Bytes typed but not read yet (dropped by begin_line's caller, or left for the next
// program). Context: any.
u64 buffered();

}  // namespace kernel::tty
