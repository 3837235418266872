// The system-call interface between user programs (user/) and the kernel
// (kernel/proc/syscalls.cpp): numbers, error values and limits. docs/syscalls.md is the table.
//
// Calling convention (x86-64, SYSCALL): the number in rax, arguments in rdi, rsi, rdx, r10,
// r8, r9 (rcx and r11 are taken by SYSCALL itself: return address and RFLAGS). The result
// comes back in rax: a value >= 0, or a negative Error. rcx and r11 are clobbered; every other
// register is preserved.
#pragma once

#include <libk/types.hpp>

namespace abi {

enum class Syscall : u64 {
  Exit = 0,    // exit(status): ends the process; never returns
  Write = 1,   // write(fd, buffer, length) -> bytes written; fd 1 and 2 are the console
  GetPid = 2,  // getpid() -> the process id
  Yield = 3,   // yield() -> 0
  Spawn = 4,   // spawn(path, argv) -> pid of a new process running the initrd's `path`
  Wait = 5,    // wait(pid, &status) -> pid; waits for a child to exit
  Count,
};

// Negative results (the values Linux uses for the same conditions, for familiarity).
enum class Error : i64 {
  NoEntry = -2,        // spawn: no such file in the initrd
  TooBig = -7,         // spawn: argv too long
  NotExecutable = -8,  // spawn: the file is not a valid user program
  NoChild = -10,       // wait: no such child
  NoMemory = -12,
  Fault = -14,    // a pointer argument is not readable/writable user memory
  Invalid = -22,  // a bad argument (unknown descriptor, negative length, ...)
  NameTooLong = -36,
  NoSys = -38,  // unknown system call number
};

constexpr const char* error_text(Error e) {
  switch (e) {
    case Error::NoEntry: return "no such program";
    case Error::TooBig: return "argument list too long";
    case Error::NotExecutable: return "not a valid user program";
    case Error::NoChild: return "no such child process";
    case Error::NoMemory: return "out of memory";
    case Error::Fault: return "bad address";
    case Error::Invalid: return "invalid argument";
    case Error::NameTooLong: return "name too long";
    case Error::NoSys: return "no such system call";
  }
  return "unknown error";
}

inline constexpr usize kMaxPath = 255;         // spawn's path, without its NUL
inline constexpr usize kMaxArgs = 16;          // spawn's argv entries
inline constexpr usize kMaxArgBytes = 2048;    // all argv strings with their NULs
inline constexpr usize kMaxWrite = 64 * 1024;  // write: longer writes are cut (a short write)

}  // namespace abi
