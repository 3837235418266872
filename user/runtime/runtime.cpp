#include "ember.hpp"

namespace ember {

void exit(i64 status) {
  ember_syscall(u64(abi::Syscall::Exit), u64(status));
  __builtin_trap();  // exit does not return
}

i64 write(int fd, const void* buffer, usize length) {
  return ember_syscall(u64(abi::Syscall::Write), u64(fd), reinterpret_cast<u64>(buffer), length);
}

i64 getpid() { return ember_syscall(u64(abi::Syscall::GetPid)); }
i64 yield() { return ember_syscall(u64(abi::Syscall::Yield)); }

i64 spawn(const char* path, const char* const* argv) {
  return ember_syscall(u64(abi::Syscall::Spawn), reinterpret_cast<u64>(path),
                       reinterpret_cast<u64>(argv));
}

i64 fork() { return ember_syscall(u64(abi::Syscall::Fork)); }

i64 exec(const char* path, const char* const* argv) {
  return ember_syscall(u64(abi::Syscall::Exec), reinterpret_cast<u64>(path),
                       reinterpret_cast<u64>(argv));
}

i64 wait(i64 pid, i64* status) {
  return ember_syscall(u64(abi::Syscall::Wait), u64(pid), reinterpret_cast<u64>(status));
}

i64 brk(u64 address) { return ember_syscall(u64(abi::Syscall::Brk), address); }

i64 mmap(u64 hint, u64 length, u64 protection) {
  return ember_syscall(u64(abi::Syscall::Mmap), hint, length, protection);
}

i64 munmap(u64 address, u64 length) {
  return ember_syscall(u64(abi::Syscall::Munmap), address, length);
}

i64 getppid() { return ember_syscall(u64(abi::Syscall::GetPpid)); }
i64 sleep_ns(u64 ns) { return ember_syscall(u64(abi::Syscall::Sleep), ns); }
u64 clock_ns() { return u64(ember_syscall(u64(abi::Syscall::ClockGet))); }

i64 thread_create(void (*entry)(void*), void* arg, void* stack_top) {
  return ember_syscall(u64(abi::Syscall::ThreadCreate), reinterpret_cast<u64>(entry),
                       reinterpret_cast<u64>(arg), reinterpret_cast<u64>(stack_top));
}

void thread_exit() {
  ember_syscall(u64(abi::Syscall::ThreadExit));
  __builtin_trap();
}

i64 thread_join(i64 tid) { return ember_syscall(u64(abi::Syscall::ThreadJoin), u64(tid)); }

namespace {

struct ThreadStart {
  void (*fn)(void*) = nullptr;
  void* arg = nullptr;
};
alignas(16) constinit u8 stacks[kMaxThreadStacks][kThreadStackBytes] = {};
constinit ThreadStart starts[kMaxThreadStacks];
constinit i64 owner[kMaxThreadStacks] = {};  // tid + 1 of the thread on each stack, 0: free

}  // namespace

}  // namespace ember

// Where thread() threads begin (start.S passes the ThreadStart in RDI).
extern "C" [[noreturn]] void ember_thread_main(void* start) {
  auto* s = static_cast<ember::ThreadStart*>(start);
  s->fn(s->arg);
  ember::thread_exit();
}
extern "C" void ember_thread_entry(void*);

namespace ember {

i64 thread(void (*fn)(void*), void* arg) {
  for (usize i = 0; i < kMaxThreadStacks; ++i) {
    if (__atomic_load_n(&owner[i], __ATOMIC_ACQUIRE) != 0) continue;
    i64 expected = 0;
    if (!__atomic_compare_exchange_n(&owner[i], &expected, -1, false, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE))
      continue;
    starts[i] = {fn, arg};
    i64 tid = thread_create(ember_thread_entry, &starts[i], stacks[i] + kThreadStackBytes);
    __atomic_store_n(&owner[i], tid < 0 ? 0 : tid + 1, __ATOMIC_RELEASE);
    return tid;
  }
  return i64(abi::Error::Again);
}

i64 join(i64 tid) {
  i64 r = thread_join(tid);
  if (r < 0) return r;
  for (usize i = 0; i < kMaxThreadStacks; ++i)
    if (__atomic_load_n(&owner[i], __ATOMIC_ACQUIRE) == tid + 1)
      __atomic_store_n(&owner[i], 0, __ATOMIC_RELEASE);
  return r;
}

bool parse_u64(const char* s, u64& value) {
  value = 0;
  if (!*s) return false;
  for (; *s; ++s) {
    if (*s < '0' || *s > '9') return false;
    value = value * 10 + u64(*s - '0');
  }
  return true;
}

u64 parse_count(const char* s, u64 fallback) {
  u64 value = 0;
  return s != nullptr && parse_u64(s, value) && value > 0 ? value : fallback;
}

u64 rdtsc() {
  u32 lo, hi;
  asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
  return u64(hi) << 32 | lo;
}

i64 read(int fd, void* buffer, usize length) {
  return ember_syscall(u64(abi::Syscall::Read), u64(fd), reinterpret_cast<u64>(buffer), length);
}
i64 open(const char* path, u64 flags) {
  return ember_syscall(u64(abi::Syscall::Open), reinterpret_cast<u64>(path), flags);
}
i64 close(int fd) { return ember_syscall(u64(abi::Syscall::Close), u64(fd)); }
i64 stat(const char* path, abi::Stat* out) {
  return ember_syscall(u64(abi::Syscall::Stat), reinterpret_cast<u64>(path),
                       reinterpret_cast<u64>(out));
}
i64 readdir(int fd, abi::DirEntry* out) {
  return ember_syscall(u64(abi::Syscall::ReadDir), u64(fd), reinterpret_cast<u64>(out));
}
i64 dup2(int old_fd, int new_fd) {
  return ember_syscall(u64(abi::Syscall::Dup2), u64(old_fd), u64(new_fd));
}
i64 dup(int old_fd) { return ember_syscall(u64(abi::Syscall::Dup), u64(old_fd)); }
i64 lseek(int fd, i64 offset, u64 whence) {
  return ember_syscall(u64(abi::Syscall::Lseek), u64(fd), u64(offset), whence);
}
i64 fstat(int fd, abi::Stat* out) {
  return ember_syscall(u64(abi::Syscall::Fstat), u64(fd), reinterpret_cast<u64>(out));
}
i64 mkdir(const char* path) {
  return ember_syscall(u64(abi::Syscall::Mkdir), reinterpret_cast<u64>(path));
}
i64 unlink(const char* path) {
  return ember_syscall(u64(abi::Syscall::Unlink), reinterpret_cast<u64>(path));
}
i64 rmdir(const char* path) {
  return ember_syscall(u64(abi::Syscall::Rmdir), reinterpret_cast<u64>(path));
}
i64 rename(const char* from, const char* to) {
  return ember_syscall(u64(abi::Syscall::Rename), reinterpret_cast<u64>(from),
                       reinterpret_cast<u64>(to));
}
i64 chdir(const char* path) {
  return ember_syscall(u64(abi::Syscall::Chdir), reinterpret_cast<u64>(path));
}
i64 getcwd(char* buffer, usize length) {
  return ember_syscall(u64(abi::Syscall::GetCwd), reinterpret_cast<u64>(buffer), length);
}
i64 kill(i64 pid) { return ember_syscall(u64(abi::Syscall::Kill), u64(pid)); }
i64 pipe(int fds[2]) { return ember_syscall(u64(abi::Syscall::Pipe), reinterpret_cast<u64>(fds)); }

i64 winsize(int fd, abi::WinSize* out) {
  return ember_syscall(u64(abi::Syscall::WinSize), u64(fd), reinterpret_cast<u64>(out));
}
i64 tty_mode(int fd, u64 mode) { return ember_syscall(u64(abi::Syscall::TtyMode), u64(fd), mode); }
i64 setpgid(i64 pid, i64 pgid) {
  return ember_syscall(u64(abi::Syscall::SetPgid), u64(pid), u64(pgid));
}
i64 tty_set_foreground(int fd, i64 pgid) {
  return ember_syscall(u64(abi::Syscall::TtySetForeground), u64(fd), u64(pgid));
}
i64 meminfo(i64 pid, abi::MemInfo* info) {
  return ember_syscall(u64(abi::Syscall::MemInfo), u64(pid), reinterpret_cast<u64>(info));
}

i64 proc_list(abi::ProcEntry* entries, usize count) {
  return ember_syscall(u64(abi::Syscall::ProcList), reinterpret_cast<u64>(entries), count);
}

bool write_all(int fd, const void* buffer, usize length) {
  auto* p = static_cast<const u8*>(buffer);
  while (length > 0) {
    i64 n = write(fd, p, length);
    if (n <= 0) return false;
    p += n;
    length -= usize(n);
  }
  return true;
}

void print_error(const char* name, const char* what, i64 error) {
  const char* parts[] = {name, ": ", what, ": ", abi::error_text(abi::Error(error)), "\n"};
  for (const char* part : parts) write(2, part, strlen(part));
}

usize strlen(const char* s) {
  usize n = 0;
  while (s[n]) ++n;
  return n;
}

bool streq(const char* a, const char* b) {
  while (*a && *a == *b) ++a, ++b;
  return *a == *b;
}

void print(const char* s) { write(1, s, strlen(s)); }

void print_u64(u64 value) {
  char buf[24];
  usize i = sizeof(buf);
  do {
    buf[--i] = char('0' + value % 10);
    value /= 10;
  } while (value);
  write(1, buf + i, sizeof(buf) - i);
}

void print_i64(i64 value) {
  if (value < 0) {
    write(1, "-", 1);
    print_u64(u64(0) - u64(value));
  } else {
    print_u64(u64(value));
  }
}

void print_hex(u64 value) {
  char buf[18] = {'0', 'x'};
  for (int i = 0; i < 16; ++i) buf[2 + i] = "0123456789abcdef"[(value >> (60 - 4 * i)) & 0xf];
  write(1, buf, sizeof(buf));
}

}  // namespace ember

extern "C" {

// The stack protector's canary (-mstack-protector-guard=global) and its failure path. _start
// replaces this value with the random one the kernel passes (user/runtime/start.S).
constinit u64 __stack_chk_guard = 0x5c0f'fee5'eed0'e3b7ull;

[[noreturn]] void __stack_chk_fail() {
  ember::print("stack smashing detected\n");
  ember::exit(127);
}

// What the compiler may call for struct copies and zeroing.
void* memcpy(void* dst, const void* src, usize n) {
  auto* d = static_cast<u8*>(dst);
  auto* s = static_cast<const u8*>(src);
  for (usize i = 0; i < n; ++i) d[i] = s[i];
  return dst;
}

void* memset(void* dst, int value, usize n) {
  auto* d = static_cast<u8*>(dst);
  for (usize i = 0; i < n; ++i) d[i] = u8(value);
  return dst;
}

[[noreturn]] void ember_start(int argc, char** argv) { ember::exit(main(argc, argv)); }

}  // extern "C"
