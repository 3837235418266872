// forktest: fork with copy-on-write and exec from ring 3 (docs/processes.md, "Fork and
// copy-on-write"). Without a mode it forks N children (4 unless given) that each check they
// see the parent's buffer, fill it with their own byte, yield, and check they still see only
// their own writes, while the parent's buffer stays as it was; exit statuses are collected
// per child. Then: a never-touched mapping reads zero in both, a grandchild, exec of a
// missing program (the caller continues with NoEntry) and of /bin/false (its status), the
// exec's refusals (not a program, too many arguments, a bad pointer), an exec ending the
// caller's other threads (spinning, asleep, blocked on a pipe), and
// descriptors kept across exec, the parent's FPU control state in the child (and a clean one
// after exec), a fork while another
// thread of the parent writes (the child's copy holds still), and an orphan left behind (reaped by
// the kernel). Prints "forktest: all checks passed" and exits 0, or prints each failure and
// exits 1.
//
//   forktest [N]          the checks above
//   forktest bomb         every process forks until the process table is full; each waits
//                         for its children; then fork must work again
//   forktest exit         exits 0 at once (the spawn benchmark's program)
//   forktest read-fd N    exits 42 if descriptor N reads some bytes (exec keeps descriptors)
//   forktest fork-loop    forks and waits for children that exit at once, until killed
//   forktest fork-spin    keeps about 8 children spinning in ring 3 (1 MiB touched), ending
//                         the oldest and forking a new one, until killed (the kernel's
//                         Ctrl-C-during-fork test)
//   forktest bench-fork N | bench-spawn N | bench-cow N
//                         exit status: cycles per fork+exit+wait of this process with 1 MiB
//                         touched, per spawn+exit+wait of `forktest exit`, or per first
//                         write to a page shared copy-on-write (kernel/tests/proc_fork_tests.cpp)
#include "ember.hpp"

namespace {

using abi::Error;

constexpr u64 kPage = 4096;
constexpr u64 kRW = abi::kProtRead | abi::kProtWrite;
constexpr u64 kBufferPages = 16;
constexpr u64 kMaxChildren = 32;

constinit u32 failures = 0;

void check(bool ok, const char* what, i64 got = 0) {
  if (ok) return;
  ++failures;
  ember::print("forktest: FAIL ");
  ember::print(what);
  ember::print(" (got ");
  ember::print_i64(got);
  ember::print(")\n");
}

bool all_bytes(const volatile u8* p, u64 n, u8 value) {
  for (u64 i = 0; i < n; ++i)
    if (p[i] != value) return false;
  return true;
}

u64 rdtsc() {
  u32 lo, hi;
  asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
  return (u64(hi) << 32) | lo;
}

u64 parse(const char* s) {
  u64 v = 0;
  for (; *s >= '0' && *s <= '9'; ++s) v = v * 10 + u64(*s - '0');
  return v;
}

volatile u8* map(u64 pages) {
  i64 a = ember::mmap(0, pages * kPage, kRW);
  return a < 0 ? nullptr : reinterpret_cast<volatile u8*>(a);
}

// Child `index`: sees the parent's bytes, then only its own.
[[noreturn]] void child(volatile u8* buffer, u64 index) {
  bool saw_parent = all_bytes(buffer, kBufferPages * kPage, 0xAA);
  u8 mine = u8(0x10 + index);
  for (u64 i = 0; i < kBufferPages * kPage; ++i) buffer[i] = mine;
  for (int i = 0; i < 5; ++i) ember::yield();  // let the others write theirs
  bool kept = all_bytes(buffer, kBufferPages * kPage, mine);
  ember::exit(saw_parent && kept ? i64(20 + index) : 1);
}

void test_children(u64 n) {
  volatile u8* buffer = map(kBufferPages);
  check(buffer != nullptr, "mmap of the shared buffer");
  if (buffer == nullptr) return;
  for (u64 i = 0; i < kBufferPages * kPage; ++i) buffer[i] = 0xAA;
  i64 pids[kMaxChildren];
  for (u64 i = 0; i < n; ++i) {
    pids[i] = ember::fork();
    if (pids[i] == 0) child(buffer, i);
    check(pids[i] > 0, "fork", pids[i]);
  }
  for (u64 i = 0; i < n; ++i) {
    if (pids[i] <= 0) continue;
    i64 status = -1;
    check(ember::wait(pids[i], &status) == pids[i], "wait for a child", pids[i]);
    check(status == i64(20 + i), "a child saw the parent's bytes, then only its own", status);
  }
  check(all_bytes(buffer, kBufferPages * kPage, 0xAA), "the parent's buffer is unchanged");
  ember::munmap(u64(buffer), kBufferPages * kPage);
}

// A mapping nobody touched before the fork: zero on either side, each side's own.
void test_untouched() {
  volatile u8* fresh = map(4);
  if (fresh == nullptr) return check(false, "mmap");
  i64 pid = ember::fork();
  if (pid == 0) {
    bool zero = all_bytes(fresh, 4 * kPage, 0);
    fresh[0] = 7;
    ember::exit(zero ? 0 : 1);
  }
  i64 status = -1;
  check(pid > 0 && ember::wait(pid, &status) == pid && status == 0,
        "a never-touched page reads zero in the child", status);
  check(all_bytes(fresh, 4 * kPage, 0), "the child's write stayed in the child");
}

// A child that forks in turn, its status passed up; exec's errors and its success.
void test_grandchild_and_exec() {
  i64 pid = ember::fork();
  if (pid == 0) {
    i64 grandchild = ember::fork();
    if (grandchild == 0) ember::exit(5);
    i64 status = -1;
    if (grandchild < 0 || ember::wait(grandchild, &status) != grandchild) ember::exit(1);
    ember::exit(status == 5 ? 6 : 1);
  }
  i64 status = -1;
  check(pid > 0 && ember::wait(pid, &status) == pid && status == 6, "a grandchild's status",
        status);

  pid = ember::fork();
  if (pid == 0) {
    const char* argv[] = {"nothing", nullptr};
    i64 e = ember::exec("/bin/nothing-here", argv);
    if (e != i64(Error::NoEntry)) ember::exit(1);
    const char* bad[] = {"false", reinterpret_cast<const char*>(0xffff800000000000ull), nullptr};
    e = ember::exec("/bin/false", bad);
    if (e != i64(Error::Fault)) ember::exit(2);
    const char* args[] = {"false", nullptr};
    ember::exec("/bin/false", args);  // exits 1 when it runs
    ember::exit(3);
  }
  status = -1;
  check(pid > 0 && ember::wait(pid, &status) == pid, "wait for the exec child", pid);
  check(status == 1, "exec: errors came back, then /bin/false ran (status 1)", status);
}

// exec's refusals leave the caller running with an error: a file that is no program, too many
// arguments, a bad path pointer. Then an exec that works, from a process with three more
// threads (one spinning in ring 3, one asleep, one blocked reading a pipe), ends those threads
// as POSIX has it and keeps the descriptors: the new program (this one, mode read-fd) reads
// from the one opened before.
constexpr i64 kReadFdPassed = 42;  // read-fd's status when it read (no other program's)

struct Started {
  volatile u32 count;
  int pipe_read;
};

void spin_in_ring_3(void* arg) {
  __atomic_fetch_add(&static_cast<Started*>(arg)->count, 1, __ATOMIC_SEQ_CST);
  for (;;) {
  }
}

void sleep_an_hour(void* arg) {
  __atomic_fetch_add(&static_cast<Started*>(arg)->count, 1, __ATOMIC_SEQ_CST);
  ember::sleep_ns(3600ull * 1'000'000'000ull);
  for (;;) ember::yield();  // Interrupted by the exec: never back here in the old image
}

void read_a_silent_pipe(void* arg) {
  auto* s = static_cast<Started*>(arg);
  __atomic_fetch_add(&s->count, 1, __ATOMIC_SEQ_CST);
  char byte;
  ember::read(s->pipe_read, &byte, 1);
  for (;;) ember::yield();
}

[[noreturn]] void exec_refusals_then_exec() {
  const char* motd[] = {"motd", nullptr};
  if (ember::exec("/etc/motd", motd) != i64(Error::NotExecutable)) ember::exit(10);
  const char* many[abi::kMaxArgs + 2];
  for (usize i = 0; i <= abi::kMaxArgs; ++i) many[i] = "x";
  many[abi::kMaxArgs + 1] = nullptr;
  if (ember::exec("/bin/true", many) != i64(Error::TooBig)) ember::exit(11);
  if (ember::exec(reinterpret_cast<const char*>(0x10), motd) != i64(Error::Fault)) ember::exit(12);
  int fds[2];
  if (ember::pipe(fds) != 0) ember::exit(13);
  static Started started{0, fds[0]};
  if (ember::thread(spin_in_ring_3, &started) < 0 || ember::thread(sleep_an_hour, &started) < 0 ||
      ember::thread(read_a_silent_pipe, &started) < 0)
    ember::exit(13);
  while (__atomic_load_n(&started.count, __ATOMIC_SEQ_CST) < 3) ember::yield();
  i64 fd = ember::open("/etc/motd", 0);
  if (fd < 0 || fd > 9) ember::exit(14);
  char digit[2] = {char('0' + fd), 0};
  const char* argv[] = {"forktest", "read-fd", digit, nullptr};
  ember::exec("/bin/forktest", argv);
  ember::exit(15);
}

void test_exec_refusals() {
  i64 pid = ember::fork();
  if (pid == 0) exec_refusals_then_exec();
  i64 status = -1;
  check(pid > 0 && ember::wait(pid, &status) == pid && status == kReadFdPassed,
        "exec refused bad requests, then the new program read the inherited descriptor", status);
}

// fork-loop: forks children that exit at once and waits for each, until killed (the kernel's
// kill-mid-fork test).
[[noreturn]] void fork_loop() {
  for (;;) {
    i64 pid = ember::fork();
    if (pid == 0) ember::exit(0);
    if (pid > 0) ember::wait(pid, nullptr);
  }
}

// fork-spin: the caller is nearly always inside fork, whose copy of 1 MiB of touched pages
// takes a while, and every child spins in ring 3 without a system call, so ending the group
// must reach a child whose fork is still under way. Each round ends the oldest child and
// collects the one ended a round before (a zombie by then: no waiting). Until killed.
[[noreturn]] void spin() {
  for (volatile u64 turns = 0;; turns = turns + 1) {
  }
}
[[noreturn]] void fork_spin() {
  constexpr u32 kSpinners = 8;
  static u8 ballast[256 * kPage];
  for (u64 i = 0; i < sizeof(ballast); i += kPage) ballast[i] = 1;
  i64 pids[kSpinners] = {}, ended = 0;
  for (u32 next = 0;; next = (next + 1) % kSpinners) {
    if (ended > 0) ember::wait(ended, nullptr);
    ended = pids[next];
    if (ended > 0) ember::kill(ended);
    pids[next] = ember::fork();
    if (pids[next] == 0) spin();
  }
}

// read-fd N: kReadFdPassed if descriptor N (inherited across exec) reads some bytes, else 1.
int read_fd(u64 fd) {
  char buffer[16];
  return ember::read(int(fd), buffer, sizeof(buffer)) > 0 ? int(kReadFdPassed) : 1;
}

// The child's FPU state is the parent's at the fork: MXCSR and the x87 control word (whose
// control bits the System V ABI makes callee-saved) set to round toward zero come back so
// in the child, not as a new process's clean 0x1F80 and 0x037F.
constexpr u32 kMxcsrTowardZero = 0x7F80;
constexpr u16 kFcwTowardZero = 0x0F7F;

u32 read_mxcsr() {
  u32 v;
  asm volatile("stmxcsr %0" : "=m"(v));
  return v;
}
void write_mxcsr(u32 v) { asm volatile("ldmxcsr %0" : : "m"(v)); }
u16 read_fcw() {
  u16 v;
  asm volatile("fnstcw %0" : "=m"(v));
  return v;
}
void write_fcw(u16 v) { asm volatile("fldcw %0" : : "m"(v)); }

void test_fpu_state() {
  u32 mxcsr = read_mxcsr();
  u16 fcw = read_fcw();
  write_mxcsr(kMxcsrTowardZero);
  write_fcw(kFcwTowardZero);
  i64 pid = ember::fork();
  if (pid == 0) {
    u32 m = read_mxcsr();
    u16 c = read_fcw();
    ember::exit(m == kMxcsrTowardZero && c == kFcwTowardZero ? 0 : i64(m) << 16 | c);
  }
  bool parent_kept = read_mxcsr() == kMxcsrTowardZero && read_fcw() == kFcwTowardZero;
  write_mxcsr(mxcsr);
  write_fcw(fcw);
  i64 status = -1;
  check(pid > 0 && ember::wait(pid, &status) == pid && status == 0,
        "the child has the parent's MXCSR and x87 control word (status: MXCSR << 16 | FCW)",
        status);
  check(parent_kept, "the parent keeps its MXCSR and x87 control word across fork");
}

// exec starts the new program with the clean FPU state, not the old program's registers:
// `fpu fresh` checks what it finds at _start.
void test_exec_resets_fpu_state() {
  i64 pid = ember::fork();
  if (pid == 0) {
    write_mxcsr(kMxcsrTowardZero);
    write_fcw(kFcwTowardZero);
    const char* argv[] = {"fpu", "fresh", nullptr};
    ember::exec("/bin/fpu", argv);
    ember::exit(3);
  }
  i64 status = -1;
  check(pid > 0 && ember::wait(pid, &status) == pid && status == 0,
        "a program exec'd after MXCSR and the x87 control word changed starts clean", status);
}

// fork write-protects the parent's pages while another of its threads writes one of them,
// maybe on another CPU with a writable translation cached. fork flushes those from every
// CPU before it returns, so the writer's next store faults and copies: the child's page
// holds still. (Without the flush the writer would go on storing into the frame the child
// shares, and the child would see its count move.)
struct Writer {
  volatile u64* counter;
  volatile bool stop;
};

void write_forever(void* arg) {
  auto* w = static_cast<Writer*>(arg);
  while (!w->stop) *w->counter = *w->counter + 1;
}

void test_fork_while_a_thread_writes() {
  auto* page = reinterpret_cast<volatile u64*>(map(1));
  if (page == nullptr) return check(false, "mmap");
  *page = 1;
  Writer w{page, false};
  i64 tid = ember::thread(write_forever, &w);
  if (tid < 0) return check(false, "thread", tid);
  while (*page < 1000) ember::yield();
  for (int round = 0; round < 8; ++round) {
    i64 pid = ember::fork();
    if (pid == 0) {
      u64 first = *page;
      for (int i = 0; i < 20; ++i) {
        ember::sleep_ns(1'000'000);
        if (*page != first) ember::exit(1);
      }
      ember::exit(0);
    }
    u64 at = *page;  // the writer goes on after the fork, in the parent's own copy now
    while (*page == at) ember::yield();
    i64 status = -1;
    check(pid > 0 && ember::wait(pid, &status) == pid && status == 0,
          "the child's page holds still while a thread of the parent writes it", status);
  }
  w.stop = true;
  check(ember::join(tid) == 0, "join the writer");
}

// A child that exits before its own child: the grandchild, an orphan, is reparented to the
// kernel (getppid 0) and reaped by it when it ends (the kernel's frame tests count it).
void test_orphan() {
  i64 pid = ember::fork();
  if (pid == 0) {
    i64 orphan = ember::fork();
    if (orphan == 0) {
      while (ember::getppid() != 0) ember::sleep_ns(1'000'000);
      ember::exit(0);
    }
    ember::exit(orphan > 0 ? 0 : 1);
  }
  i64 status = -1;
  check(pid > 0 && ember::wait(pid, &status) == pid && status == 0,
        "a child that leaves an orphan behind", status);
}

// A process of the bomb forks until it is refused (or made kMaxForks children), and only
// then waits for its children: every child holds its slot (running, then a zombie) until
// its parent collects it, so the process table fills before any slot frees, and the first
// refusal is Again. Children fork in turn (the next level); the last level exits at once.
// Status: 1 if this process or one below it was refused, 0 if not, 2 on anything else.
constexpr int kMaxForks = 64;
constexpr int kLevels = 2;

i64 bomb_level(int level) {
  static i64 pids[kMaxForks];  // each process's own copy (its memory is its own after fork)
  int made = 0;
  i64 result = 0;
  while (made < kMaxForks) {
    i64 pid = ember::fork();
    if (pid == 0) ember::exit(level + 1 < kLevels ? bomb_level(level + 1) : 0);
    if (pid == i64(Error::Again) || pid == i64(Error::NoMemory)) {
      result = 1;
      break;
    }
    if (pid < 0) return 2;
    pids[made++] = pid;
  }
  for (int i = 0; i < made; ++i) {
    i64 status = -1;
    if (ember::wait(pids[i], &status) != pids[i] || status < 0 || status > 1) return 2;
    result |= status;
  }
  return result;
}

int bomb() {
  i64 r = bomb_level(0);
  check(r == 1, "the fork bomb hit the process limit and every process was collected", r);
  i64 pid = ember::fork();
  if (pid == 0) ember::exit(9);
  i64 status = -1;
  check(pid > 0 && ember::wait(pid, &status) == pid && status == 9, "fork works again", status);
  ember::print(failures == 0 ? "forktest: bomb hit the limit and recovered\n"
                             : "forktest: bomb checks failed\n");
  return failures == 0 ? 0 : 1;
}

int bench_fork(u64 n) {
  volatile u8* touched = map(256);  // 1 MiB
  if (touched == nullptr || n == 0) return 0;
  for (u64 i = 0; i < 256; ++i) touched[i * kPage] = 1;
  u64 start = rdtsc();
  for (u64 i = 0; i < n; ++i) {
    i64 pid = ember::fork();
    if (pid == 0) ember::exit(0);
    if (pid < 0 || ember::wait(pid, nullptr) != pid) return 0;
  }
  return int((rdtsc() - start) / n);
}

int bench_spawn(u64 n) {
  if (n == 0) return 0;
  const char* argv[] = {"forktest", "exit", nullptr};
  u64 start = rdtsc();
  for (u64 i = 0; i < n; ++i) {
    i64 pid = ember::spawn("/bin/forktest", argv);
    if (pid < 0 || ember::wait(pid, nullptr) != pid) return 0;
  }
  return int((rdtsc() - start) / n);
}

// The child writes one word to each of n pages the parent touched before the fork: one
// copy-on-write fault each (the parent keeps its reference). Its status: cycles per page.
int bench_cow(u64 n) {
  volatile u8* pages = map(n);
  if (pages == nullptr || n == 0) return 0;
  for (u64 i = 0; i < n; ++i) pages[i * kPage] = 1;
  i64 pid = ember::fork();
  if (pid == 0) {
    u64 start = rdtsc();
    for (u64 i = 0; i < n; ++i) pages[i * kPage] = 2;
    ember::exit(i64((rdtsc() - start) / n));
  }
  i64 status = 0;
  if (pid < 0 || ember::wait(pid, &status) != pid) return 0;
  return pages[0] == 1 ? int(status) : 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && ember::streq(argv[1], "exit")) return 0;
  if (argc > 1 && ember::streq(argv[1], "bomb")) return bomb();
  u64 n = argc > 2 ? parse(argv[2]) : 0;
  if (argc > 1 && ember::streq(argv[1], "bench-fork")) return bench_fork(n);
  if (argc > 1 && ember::streq(argv[1], "bench-spawn")) return bench_spawn(n);
  if (argc > 1 && ember::streq(argv[1], "bench-cow")) return bench_cow(n);
  if (argc > 1 && ember::streq(argv[1], "read-fd")) return read_fd(n);
  if (argc > 1 && ember::streq(argv[1], "fork-loop")) fork_loop();
  if (argc > 1 && ember::streq(argv[1], "fork-spin")) fork_spin();
  u64 children = argc > 1 ? parse(argv[1]) : 4;
  if (children == 0 || children > kMaxChildren) {
    ember::print(
        "usage: forktest [N (1-32) | bomb | exit | bench-fork N | bench-spawn N | "
        "bench-cow N]\n");
    return 2;
  }
  test_children(children);
  test_untouched();
  test_grandchild_and_exec();
  test_exec_refusals();
  test_fpu_state();
  test_exec_resets_fpu_state();
  test_fork_while_a_thread_writes();
  test_orphan();
  ember::print(failures == 0 ? "forktest: all checks passed\n" : "forktest: checks failed\n");
  return failures == 0 ? 0 : 1;
}
