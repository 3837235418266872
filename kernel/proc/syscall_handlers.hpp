// The system-call handlers, one per number of abi::Syscall, grouped by area: each area's file
// owns its calls' argument checks and semantics (docs/syscalls.md is the table). The
// dispatcher (syscalls.cpp) only decodes the number.
//
// Every handler gets the caller's registers (arguments in rdi, rsi, rdx, r10, r8, r9) and
// returns a value >= 0 or an abi::Error. Context: the calling process's thread, in the
// kernel, interrupts on.
#pragma once

#include <abi/syscalls.hpp>

#include <hal/trap_frame.hpp>
#include <libk/result.hpp>

namespace kernel::proc::syscalls {

using Result = libk::Result<i64, abi::Error>;
using Frame = hal::TrapFrame;

// Processes and threads: syscalls_process.cpp.
[[noreturn]] void sys_exit(const Frame& f);
Result sys_getpid(const Frame& f);
Result sys_yield(const Frame& f);
Result sys_spawn(const Frame& f);
Result sys_wait(const Frame& f);
Result sys_kill(const Frame& f);
Result sys_getppid(const Frame& f);
Result sys_sleep(const Frame& f);
Result sys_clock_get(const Frame& f);
Result sys_thread_create(const Frame& f);
[[noreturn]] void sys_thread_exit(const Frame& f);
Result sys_thread_join(const Frame& f);
Result sys_fork(const Frame& f);
Result sys_exec(const Frame& f);

// Memory: syscalls_memory.cpp.
Result sys_brk(const Frame& f);
Result sys_mmap(const Frame& f);
Result sys_munmap(const Frame& f);

// Files and descriptors: syscalls_file.cpp.
Result sys_write(const Frame& f);
Result sys_read(const Frame& f);
Result sys_open(const Frame& f);
Result sys_close(const Frame& f);
Result sys_stat(const Frame& f);
Result sys_readdir(const Frame& f);
Result sys_dup2(const Frame& f);
Result sys_pipe(const Frame& f);
Result sys_lseek(const Frame& f);
Result sys_dup(const Frame& f);
Result sys_fstat(const Frame& f);
Result sys_mkdir(const Frame& f);
Result sys_unlink(const Frame& f);
Result sys_rmdir(const Frame& f);
Result sys_rename(const Frame& f);
Result sys_chdir(const Frame& f);
Result sys_getcwd(const Frame& f);

// The terminal and process groups: syscalls_tty.cpp.
Result sys_winsize(const Frame& f);
Result sys_tty_mode(const Frame& f);
Result sys_setpgid(const Frame& f);
Result sys_tty_set_foreground(const Frame& f);
Result sys_proc_list(const Frame& f);
Result sys_meminfo(const Frame& f);

}  // namespace kernel::proc::syscalls
