// System calls on a process's memory (docs/syscalls.md): brk, mmap and munmap.
#include "proc/syscall_handlers.hpp"

namespace kernel::proc::syscalls {

using abi::Error;

Result sys_brk(const Frame&) { return libk::unexpected(Error::NoSys); }
Result sys_mmap(const Frame&) { return libk::unexpected(Error::NoSys); }
Result sys_munmap(const Frame&) { return libk::unexpected(Error::NoSys); }

}  // namespace kernel::proc::syscalls
