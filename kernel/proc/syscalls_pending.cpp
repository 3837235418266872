// System calls whose numbers are fixed (abi/syscalls.hpp) but that are not implemented yet:
// each returns NoSys, as an unknown number does. Implementing one moves it to its area's
// file (processes, memory or files).
#include "proc/syscall_handlers.hpp"

namespace kernel::proc::syscalls {

namespace {

Result not_yet() { return libk::unexpected(abi::Error::NoSys); }

}  // namespace

Result sys_winsize(const Frame&) { return not_yet(); }
Result sys_tty_mode(const Frame&) { return not_yet(); }
Result sys_setpgid(const Frame&) { return not_yet(); }
Result sys_tty_set_foreground(const Frame&) { return not_yet(); }
Result sys_proc_list(const Frame&) { return not_yet(); }

}  // namespace kernel::proc::syscalls
