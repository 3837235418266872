// The console as a terminal for programs (docs/processes.md, "The terminal"): the device
// behind descriptors 0, 1 and 2 of every process and /dev/console. Writes go to the console
// (screen and serial). Reads take canonical input: whole lines, typed with echo and the
// line editor's keys (libk/line_editor.hpp), one line per read at most; Ctrl-D (or Delete)
// on an empty line is end of file (a read returns 0 once).
//
// The input comes from the shell, which owns the keyboard and serial input
// (kernel/shell/input.hpp): while a program runs in the foreground it feeds each input here
// (feed); in canonical mode Ctrl-C is not fed but reported back, and the shell ends the
// foreground process group (foreground_group). In raw mode (tty_mode) each key's bytes go to
// the reader as typed (libk/tty_input.hpp), Ctrl-C included, without echo or editing; the
// mode goes back to canonical when the process that set it ends (process_ended).
#pragma once

#include <abi/syscalls.hpp>

#include <libk/format.hpp>
#include <libk/line_input.hpp>
#include <libk/tty_input.hpp>

#include "fs/vfs.hpp"
#include "proc/process.hpp"

namespace kernel::tty {

fs::Vnode& console_vnode();

// Starts a fresh input line (the shell hands the terminal to a program). Context: the shell
// thread.
void begin_line();

enum class Fed : u8 { Taken, Interrupt };
// One input: in canonical mode for the line being typed (echo goes to the console; Interrupt
// for Ctrl-C, and the line is dropped), in raw mode its bytes for the reader (never
// Interrupt). Context: the shell thread (the only feeder).
Fed feed(const libk::line::EditInput& input);
// What feed() would do with a finished line and an end of file, without echo: for tests
// that drive programs without a keyboard. Context: thread.
void push_line(libk::StringView text);
void push_end_of_file();
// Bytes for a reader as a raw-mode key would give them, without a keyboard (tests).
void push_bytes(libk::StringView bytes);

// Wakes readers (and tty_mode/tty_set_foreground callers waiting to be allowed) so that one
// whose process is being ended returns Interrupted.
// Context: any.
void wake_readers();
// Whether some thread is blocked reading the terminal (for tests).
bool readers_waiting();

// Bytes typed but not read yet (dropped by begin_line's caller, or left for the next
// program). Context: any.
u64 buffered();

// --- Terminal settings (tty_mode, tty_set_foreground, winsize) --------------------------------

// Sets the input mode; returns the previous one. Raw mode remembers `owner`: when that process
// ends the terminal goes back to canonical mode. Context: any thread.
libk::tty::Mode set_mode(libk::tty::Mode mode, proc::Pid owner);
libk::tty::Mode get_mode();
// A process ended: if it set raw mode, canonical mode is back. Context: any thread.
void process_ended(proc::Pid pid);

// Who holds the terminal (libk/tty_control.hpp). The kernel shell hands it to the group of
// the program it runs, which is then the foreground group, and takes it back (0) when the
// program ended. Context: any.
void hand_to(proc::Pid group);
// tty_mode and tty_set_foreground for process `pid` (the caller): they act once the caller
// may change the terminal (libk::tty::Control::may_change: the session, the foreground group,
// or the process that chose it), and wait until then, as POSIX stops a background process
// that tries (SIGTTOU). NotPermitted when no session holds the terminal (the kernel shell
// has it: nobody will give it); Interrupted when the caller is being ended. Context: thread.
libk::Result<libk::tty::Mode, abi::Error> change_mode(libk::tty::Mode mode, proc::Pid pid);
libk::Result<void, abi::Error> change_foreground(proc::Pid group, proc::Pid pid);
// The group Ctrl-C ends (0: none). Context: any.
proc::Pid foreground_group();

// The size programs should draw for: the framebuffer console's cells. The serial terminal
// shows the same output and its size is not known to the kernel, so without a framebuffer
// the answer is a VT100's 24 rows of 80 columns. Context: any.
inline constexpr u16 kSerialRows = 24;
inline constexpr u16 kSerialColumns = 80;
abi::WinSize window_size();

}  // namespace kernel::tty
