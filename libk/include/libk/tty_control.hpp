// Who may change the terminal's settings (tty_mode, tty_set_foreground), as pure logic;
// kernel/tty/tty.cpp keeps the one Control and checks each call against it (docs/shell.md,
// "Who may change the terminal").
//
// POSIX stops a background process that changes the terminal (SIGTTOU) until it is brought
// to the foreground; Ember has no signals: such a call waits (kernel/tty/tty.cpp) until the
// caller may. Who may:
//   - the session: the group the kernel shell handed the terminal to (the program it runs);
//   - the foreground group: a job the session's shell gave the terminal to (an editor in it
//     may set raw mode);
//   - the controller: the process that last chose the foreground group, so that a shell
//     running as a job of another shell can start its own jobs and take the terminal back.
// Anyone else (a background job) waits: it could otherwise put the terminal in raw mode, where
// Ctrl-C is a byte, under the foreground program. The first stage of a foreground pipeline
// waits too, for the moment between its start and its shell's tty_set_foreground. When nobody
// holds the terminal (no session: the kernel shell has it), nobody may.
#pragma once

#include <libk/types.hpp>

namespace libk::tty {

struct Control {
  u32 session = 0;     // a group (0: nobody holds the terminal)
  u32 foreground = 0;  // the group Ctrl-C ends (0: none)
  u32 controller = 0;  // a process (0: none)

  // Whether process `pid` of group `group` may change the terminal.
  constexpr bool may_change(u32 pid, u32 group) const {
    if (session == 0) return false;
    if (group == session) return true;
    if (foreground != 0 && group == foreground) return true;
    return controller != 0 && pid == controller;
  }

  // Whether process `pid` of group `group` may read the terminal: as may_change, and anyone
  // while nobody holds it (the kernel's tests feed its programs input). A background job
  // that reads would otherwise take lines typed for the foreground (POSIX stops it with
  // SIGTTIN).
  constexpr bool may_read(u32 pid, u32 group) const {
    return session == 0 || may_change(pid, group);
  }

  // The kernel shell hands the terminal to its program's group, and takes it back (0).
  constexpr void hand_to(u32 group) { *this = Control{group, group, 0}; }

  // `pid` (which may_change) makes `group` the foreground group (0: none).
  constexpr void choose_foreground(u32 group, u32 pid) {
    foreground = group;
    controller = pid;
  }
};

}  // namespace libk::tty
