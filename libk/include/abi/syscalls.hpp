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
  // Processes and threads (kernel/proc/syscalls_process.cpp).
  Exit = 0,           // exit(status): ends the process; never returns
  Write = 1,          // write(fd, buffer, length) -> bytes written
  GetPid = 2,         // getpid() -> the process id
  Yield = 3,          // yield() -> 0
  Spawn = 4,          // spawn(path, argv) -> pid of a new process running the initrd's `path`
  Wait = 5,           // wait(pid, &status) -> pid; waits for a child to exit
  Kill = 6,           // kill(pid) -> 0; ends a process
  GetPpid = 7,        // getppid() -> the parent's process id (0: started by the kernel)
  Sleep = 8,          // sleep(ns) -> 0
  ClockGet = 9,       // clock() -> nanoseconds of monotonic time since boot
  ThreadCreate = 10,  // thread_create(entry, arg, stack_top) -> thread id in this process
  ThreadExit = 11,    // thread_exit(): ends the calling thread; never returns
  ThreadJoin = 12,    // thread_join(tid) -> 0 once that thread of this process ended
  // Memory (kernel/proc/syscalls_memory.cpp).
  Brk = 13,     // brk(address) -> the new break (0: query)
  Mmap = 14,    // mmap(address hint, length, protection) -> address of anonymous memory
  Munmap = 15,  // munmap(address, length) -> 0
  // Files (kernel/proc/syscalls_file.cpp).
  Read = 16,     // read(fd, buffer, length) -> bytes read (0 at end of file)
  Open = 17,     // open(path, flags) -> descriptor
  Close = 18,    // close(fd) -> 0
  Stat = 19,     // stat(path, &stat) -> 0
  ReadDir = 20,  // readdir(fd, &entry) -> 1 with an entry, 0 at the end
  Dup2 = 21,     // dup2(old, new) -> new
  // The Unix process model. Numbers fixed; those not implemented yet return NoSys.
  Fork = 22,              // fork() -> child's pid in the parent, 0 in the child
  Exec = 23,              // exec(path, argv) -> does not return on success
  Pipe = 24,              // pipe(&fds[2]) -> 0
  Lseek = 25,             // lseek(fd, offset, whence) -> new offset
  Dup = 26,               // dup(fd) -> the lowest free descriptor
  Fstat = 27,             // fstat(fd, &stat) -> 0
  Mkdir = 28,             // mkdir(path) -> 0
  Unlink = 29,            // unlink(path) -> 0
  Rmdir = 30,             // rmdir(path) -> 0
  Rename = 31,            // rename(from, to) -> 0
  Chdir = 32,             // chdir(path) -> 0
  GetCwd = 33,            // getcwd(buffer, length) -> length of the path
  WinSize = 34,           // winsize(fd, &size) -> 0; the terminal's rows and columns
  TtyMode = 35,           // tty_mode(fd, mode) -> the previous mode; canonical or raw input
  SetPgid = 36,           // setpgid(pid, pgid) -> 0; moves a process (0: the caller) into a group
  TtySetForeground = 37,  // tty_set_foreground(fd, pgid) -> 0; Ctrl-C goes to that group
  ProcList = 38,          // proc_list(&entries, count) -> how many processes were listed
  MemInfo = 39,           // meminfo(pid, &info) -> 0; a process's user pages and their sharing
  Count,
};

// Negative results (the values Linux uses for the same conditions, for familiarity).
enum class Error : i64 {
  NotPermitted = -1,
  NoEntry = -2,        // no such file or program
  NoProcess = -3,      // kill: no such process
  Interrupted = -4,    // a blocking call ended early (the process is being killed)
  TooBig = -7,         // spawn: argv too long
  NotExecutable = -8,  // spawn: the file is not a valid user program
  BadDescriptor = -9,  // not an open file descriptor
  NoChild = -10,       // wait: no such child
  Again = -11,         // try again (a limit that frees up)
  NoMemory = -12,
  Fault = -14,  // a pointer argument is not readable/writable user memory
  Busy = -16,   // in use (a mount point, a directory someone's current directory)
  Exists = -17,
  CrossDevice = -18,  // rename between two file systems
  NotDirectory = -20,
  IsDirectory = -21,
  Invalid = -22,       // a bad argument (unknown descriptor, negative length, ...)
  TooManyFiles = -24,  // the process's descriptor table is full
  NoSpace = -28,
  ReadOnly = -30,    // the file system cannot be written
  BrokenPipe = -32,  // write to a pipe that no one can read any more
  NameTooLong = -36,
  NoSys = -38,     // unknown system call number
  NotEmpty = -39,  // rmdir of a directory that still has entries
};

constexpr const char* error_text(Error e) {
  switch (e) {
    case Error::NotPermitted: return "operation not permitted";
    case Error::NoEntry: return "no such file";
    case Error::NoProcess: return "no such process";
    case Error::Interrupted: return "interrupted";
    case Error::TooBig: return "argument list too long";
    case Error::NotExecutable: return "not a valid user program";
    case Error::BadDescriptor: return "bad file descriptor";
    case Error::NoChild: return "no such child process";
    case Error::Again: return "try again";
    case Error::NoMemory: return "out of memory";
    case Error::Fault: return "bad address";
    case Error::Busy: return "resource busy";
    case Error::Exists: return "file exists";
    case Error::CrossDevice: return "cross-device link";
    case Error::NotDirectory: return "not a directory";
    case Error::IsDirectory: return "is a directory";
    case Error::Invalid: return "invalid argument";
    case Error::TooManyFiles: return "too many open files";
    case Error::NoSpace: return "no space left";
    case Error::ReadOnly: return "read-only file system";
    case Error::BrokenPipe: return "broken pipe";
    case Error::NameTooLong: return "name too long";
    case Error::NoSys: return "no such system call";
    case Error::NotEmpty: return "directory not empty";
  }
  return "unknown error";
}

inline constexpr usize kMaxPath = 255;         // spawn's path, without its NUL
inline constexpr usize kMaxArgs = 16;          // spawn's argv entries
inline constexpr usize kMaxArgBytes = 2048;    // all argv strings with their NULs
inline constexpr usize kMaxWrite = 64 * 1024;  // write: longer writes are cut (a short write)

// mmap's protection bits. Write implies read (x86 pages cannot be write-only); 0 reserves
// addresses that fault on any access. Exec is refused (NotPermitted): anonymous memory is
// never executable, so no page is ever both writable and executable (W^X).
inline constexpr u64 kProtNone = 0;
inline constexpr u64 kProtRead = 1;
inline constexpr u64 kProtWrite = 2;
inline constexpr u64 kProtExec = 4;
// open(path, flags), values as Linux's O_WRONLY, O_RDWR, O_CREAT, O_EXCL, O_TRUNC, O_APPEND.
// Files of the initrd are read-only (the writing flags get ReadOnly); files under /tmp (the
// RAM file system) and the console take them all. Any other bit is Invalid.
inline constexpr u64 kOpenRead = 0;
inline constexpr u64 kOpenWrite = 1;
inline constexpr u64 kOpenReadWrite = 2;
inline constexpr u64 kOpenCreate = 0x40;     // create the file if it is missing
inline constexpr u64 kOpenExclusive = 0x80;  // with kOpenCreate: Exists if it is there
inline constexpr u64 kOpenTruncate = 0x200;  // with write access: cut the file to 0 bytes
inline constexpr u64 kOpenAppend = 0x400;    // every write goes to the end, atomically
inline constexpr u64 kOpenKnown =
    kOpenWrite | kOpenReadWrite | kOpenCreate | kOpenExclusive | kOpenTruncate | kOpenAppend;

// lseek(fd, offset, whence): from the start, the current offset, or the end of the file.
inline constexpr u64 kSeekSet = 0;
inline constexpr u64 kSeekCurrent = 1;
inline constexpr u64 kSeekEnd = 2;

inline constexpr usize kMaxFiles = 16;  // descriptors per process
inline constexpr usize kMaxName = 100;  // bytes of one name in a path (USTAR's name field)

// Pipe: an end of a pipe (fstat; a FIFO in POSIX's terms).
enum class FileType : u32 { File = 1, Directory = 2, Device = 3, Pipe = 4 };

// stat(path, &stat).
struct Stat {
  FileType type;
  u32 mode;  // permission bits: the initrd's as the archive has them, 0644/0755 under /tmp
  u64 size;  // bytes of a file; 0 for directories and devices
};
static_assert(sizeof(Stat) == 16);

// readdir(fd, &entry): the next name in the directory open at fd (the initrd's in archive
// order), without "." and "..".
struct DirEntry {
  FileType type;
  u32 reserved;
  u64 size;                 // as Stat::size
  char name[kMaxName + 1];  // NUL-terminated
};

// tty_mode(fd, mode): canonical input (lines, echo, editing, Ctrl-D end of file, Ctrl-C ends
// the foreground group) or raw input (each key's bytes as typed, no echo, Ctrl-C is byte 3).
// The kernel restores canonical mode when the process that set raw mode ends.
inline constexpr u64 kTtyCanonical = 0;
inline constexpr u64 kTtyRaw = 1;

// winsize(fd, &size): the terminal's size in character cells.
struct WinSize {
  u16 rows, columns;
};
static_assert(sizeof(WinSize) == 4);

// proc_list(&entries, count): one entry per process, in process-table order.
inline constexpr usize kProcNameBytes = 32;
enum class ProcState : u32 { Starting = 1, Running = 2, Ending = 3, Zombie = 4 };
struct ProcEntry {
  u32 pid, ppid;  // ppid 0: started by the kernel (or its parent is gone)
  u32 pgid;       // process group (setpgid)
  ProcState state;
  u32 threads;  // live threads
  u32 reserved;
  char name[kProcNameBytes];  // NUL-terminated: the program's file name
};

// meminfo's answer (kernel/proc/memory_info.cpp): the user pages a process has mapped, how
// many of them share their frame with another address space (copy-on-write after fork: a
// write to one of them copies it), and the system's free frames.
struct MemInfo {
  u64 resident;     // user pages mapped
  u64 shared;       // of those, frames mapped by another process too
  u64 free_frames;  // frames the allocator has free (4 KiB each)
};
static_assert(sizeof(ProcEntry) == 56);

// Exit statuses of processes the kernel ended (128 + a signal number, as shells show them).
inline constexpr i64 kStatusInterrupted = 128 + 2;  // Ctrl-C on the console (SIGINT)
inline constexpr i64 kStatusKilled = 128 + 9;       // kill() (SIGKILL)

}  // namespace abi
