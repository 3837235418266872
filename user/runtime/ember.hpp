// The user-space runtime every program in user/programs links with: system-call wrappers
// (abi/syscalls.hpp) and a few string and output helpers. Freestanding C++: no libc, no
// exceptions. Floating point and SSE/AVX are the program's own: the kernel saves them per
// thread (docs/processes.md, "FPU state").
#pragma once

#include <abi/syscalls.hpp>

extern "C" i64 ember_syscall(u64 number, u64 a0 = 0, u64 a1 = 0, u64 a2 = 0, u64 a3 = 0,
                             u64 a4 = 0);

// Each program defines it; its result is the exit status.
int main(int argc, char** argv);

// The FXSAVE image (Intel SDM Vol. 2A, FXSAVE, Table 3-53) of the x87/SSE state the program
// started with, taken by _start before any compiled code ran.
extern "C" u8 ember_initial_fpu[512];

namespace ember {

[[noreturn]] void exit(i64 status);
i64 write(int fd, const void* buffer, usize length);
i64 getpid();
i64 yield();
// argv: null-terminated; argv[0] is the program's name by convention.
i64 spawn(const char* path, const char* const* argv);
// Waits for child `pid`; its exit status goes to *status (may be null).
i64 wait(i64 pid, i64* status);
// A copy of this process sharing its memory copy-on-write: the child's pid here, 0 in the
// child, or a negative abi::Error (Again: the process table is full).
i64 fork();
// Replaces this process's program; returns only with a negative abi::Error.
i64 exec(const char* path, const char* const* argv);

// The program break (0 queries it); the new break or a negative abi::Error.
i64 brk(u64 address);
// Anonymous memory (abi::kProt* bits): its address or a negative abi::Error.
i64 mmap(u64 hint, u64 length, u64 protection);
i64 munmap(u64 address, u64 length);
// Files and descriptors (docs/syscalls.md): results as the system calls return them (a
// negative abi::Error on failure).
i64 read(int fd, void* buffer, usize length);
i64 open(const char* path, u64 flags);
i64 close(int fd);
i64 stat(const char* path, abi::Stat* out);
i64 readdir(int fd, abi::DirEntry* out);
i64 dup2(int old_fd, int new_fd);
// The lowest free descriptor, sharing old_fd's open-file description (and its offset).
i64 dup(int old_fd);
// The new offset; whence is abi::kSeekSet, kSeekCurrent or kSeekEnd.
i64 lseek(int fd, i64 offset, u64 whence);
i64 fstat(int fd, abi::Stat* out);
i64 mkdir(const char* path);
i64 unlink(const char* path);
i64 rmdir(const char* path);
i64 rename(const char* from, const char* to);
i64 chdir(const char* path);
// Writes the current directory (absolute, NUL-terminated) to buffer: its length without
// the NUL, or abi::Error::Invalid when `length` is too small for it.
i64 getcwd(char* buffer, usize length);
i64 kill(i64 pid);
// The terminal and process groups (docs/shell.md): results as the system calls return them.
i64 winsize(int fd, abi::WinSize* out);
i64 tty_mode(int fd, u64 mode);  // abi::kTtyCanonical or kTtyRaw; the previous mode
i64 setpgid(i64 pid, i64 pgid);
i64 tty_set_foreground(int fd, i64 pgid);
i64 proc_list(abi::ProcEntry* entries, usize count);
// A process's user pages (pid 0: the caller; else one of its children) and their sharing.
i64 meminfo(i64 pid, abi::MemInfo* info);
// A pipe: fds[0] its read end, fds[1] its write end (docs/pipes.md); 0 or a negative error.
i64 pipe(int fds[2]);
// Writes all of `length` bytes (repeating short writes); false on an error.
bool write_all(int fd, const void* buffer, usize length);

i64 getppid();
// Sleeps `ns` nanoseconds; abi::Error::Interrupted if the process is being ended.
i64 sleep_ns(u64 ns);
// Monotonic nanoseconds since boot.
u64 clock_ns();
// The raw calls: the new thread starts at `entry` with RDI = arg and RSP = stack_top.
i64 thread_create(void (*entry)(void*), void* arg, void* stack_top);
[[noreturn]] void thread_exit();
i64 thread_join(i64 tid);

// A thread running fn(arg) on a stack of its own (from a fixed pool of kMaxThreadStacks
// stacks of kThreadStackBytes); it ends when fn returns. Returns the thread id or an error.
inline constexpr usize kThreadStackBytes = 8 * 1024;
inline constexpr usize kMaxThreadStacks = 16;
i64 thread(void (*fn)(void*), void* arg);
// Joins a thread started by thread() and returns its stack to the pool.
i64 join(i64 tid);

// Decimal digits of `s` (nothing else); false for anything else.
bool parse_u64(const char* s, u64& value);
// A count from the command line: `s` as a decimal number above 0, else `fallback` (s null,
// empty, not a number, or 0).
u64 parse_count(const char* s, u64 fallback);
// The time-stamp counter, for the benchmark programs.
u64 rdtsc();

usize strlen(const char* s);
bool streq(const char* a, const char* b);
// Writes to descriptor 1.
void print(const char* s);
void print_u64(u64 value);
void print_i64(i64 value);
void print_hex(u64 value);
// Writes "NAME: WHAT: error text\n" to descriptor 2.
void print_error(const char* name, const char* what, i64 error);

}  // namespace ember

// The allocator (runtime/malloc.cpp): small blocks from the brk heap, large ones mmap'd.
// Not thread-safe. operator new ends the program with status 127 when memory runs out; use
// malloc to handle that case.
extern "C" {
void* malloc(usize bytes);
void free(void* block);
void* calloc(usize count, usize bytes);
void* realloc(void* block, usize bytes);
}
