// The system calls (docs/syscalls.md): hal_syscall_dispatch, called by the SYSCALL entry
// (hal/x86/syscall_entry.S) with the user's registers in a TrapFrame, decodes the number and
// hands the frame to the call's handler (syscall_handlers.hpp), which validates every argument;
// the result goes back in the frame's rax.
#include <hal/user_mode.hpp>

#include "proc/process.hpp"
#include "proc/syscall_handlers.hpp"

namespace kernel::proc::syscalls {

namespace {

using abi::Error;
using abi::Syscall;

Result dispatch(const Frame& f) {
  switch (Syscall(f.rax)) {
    case Syscall::Exit: sys_exit(f);
    case Syscall::Write: return sys_write(f);
    case Syscall::GetPid: return sys_getpid(f);
    case Syscall::Yield: return sys_yield(f);
    case Syscall::Spawn: return sys_spawn(f);
    case Syscall::Wait: return sys_wait(f);
    case Syscall::Kill: return sys_kill(f);
    case Syscall::GetPpid: return sys_getppid(f);
    case Syscall::Sleep: return sys_sleep(f);
    case Syscall::ClockGet: return sys_clock_get(f);
    case Syscall::ThreadCreate: return sys_thread_create(f);
    case Syscall::ThreadExit: sys_thread_exit(f);
    case Syscall::ThreadJoin: return sys_thread_join(f);
    case Syscall::Brk: return sys_brk(f);
    case Syscall::Mmap: return sys_mmap(f);
    case Syscall::Munmap: return sys_munmap(f);
    case Syscall::Read: return sys_read(f);
    case Syscall::Open: return sys_open(f);
    case Syscall::Close: return sys_close(f);
    case Syscall::Stat: return sys_stat(f);
    case Syscall::ReadDir: return sys_readdir(f);
    case Syscall::Dup2: return sys_dup2(f);
    case Syscall::Fork: return sys_fork(f);
    case Syscall::Exec: return sys_exec(f);
    case Syscall::Pipe: return sys_pipe(f);
    case Syscall::Lseek: return sys_lseek(f);
    case Syscall::Dup: return sys_dup(f);
    case Syscall::Fstat: return sys_fstat(f);
    case Syscall::Mkdir: return sys_mkdir(f);
    case Syscall::Unlink: return sys_unlink(f);
    case Syscall::Rmdir: return sys_rmdir(f);
    case Syscall::Rename: return sys_rename(f);
    case Syscall::Chdir: return sys_chdir(f);
    case Syscall::GetCwd: return sys_getcwd(f);
    case Syscall::WinSize: return sys_winsize(f);
    case Syscall::TtyMode: return sys_tty_mode(f);
    case Syscall::SetPgid: return sys_setpgid(f);
    case Syscall::TtySetForeground: return sys_tty_set_foreground(f);
    case Syscall::ProcList: return sys_proc_list(f);
    case Syscall::MemInfo: return sys_meminfo(f);
    case Syscall::Count: break;
  }
  return libk::unexpected(Error::NoSys);  // any number past the table
}

}  // namespace

}  // namespace kernel::proc::syscalls

extern "C" void hal_syscall_dispatch(hal::TrapFrame* frame) {
  auto r = kernel::proc::syscalls::dispatch(*frame);
  frame->rax = r ? u64(r.value()) : u64(i64(r.error()));
  kernel::proc::on_return_to_user();  // a thread of an ending process stops here
}
