// usertests: the system calls checked from ring 3, in the spirit of xv6's usertests. Each test
// is a named function in kTests (add yours there); `usertests` runs them all, `usertests NAME`
// one. Ends with "N passed, M failed" and exit status 0 only if every test passed.
#include "ember.hpp"
#include "usertests_check.hpp"
#include "usertests_cow.hpp"
#include "usertests_ramfs.hpp"

namespace {

using abi::Error;
using abi::Syscall;
using usertests::check;
using usertests::kKernelAddress;
using usertests::opaque;
using usertests::run;

constexpr u64 kNonCanonical = 0x0000'8000'0000'0000ull;

i64 run_self(const char* mode) {
  const char* argv[] = {"usertests", mode, nullptr};
  return run("/bin/usertests", argv);
}

bool ids() {
  CHECK(ember::getpid() > 0);
  CHECK(ember::getppid() >= 0 && ember::getppid() != ember::getpid());
  return true;
}

bool clock_and_sleep() {
  u64 a = ember::clock_ns();
  u64 b = ember::clock_ns();
  CHECK(a > 0 && b >= a);
  CHECK(ember::sleep_ns(20'000'000) == 0);
  CHECK(ember::clock_ns() - b >= 20'000'000);
  CHECK(ember::sleep_ns(0) == 0);
  return true;
}

bool unknown_numbers() {
  CHECK(ember_syscall(999) == i64(Error::NoSys));
  CHECK(ember_syscall(u64(Syscall::Count)) == i64(Error::NoSys));
  CHECK(ember_syscall(~u64{0}) == i64(Error::NoSys));
  return true;
}

bool bad_pointers() {
  CHECK(ember::write(1, reinterpret_cast<const void*>(opaque(kKernelAddress)), 8) ==
        i64(Error::Fault));
  CHECK(ember::write(1, reinterpret_cast<const void*>(opaque(0x10)), 8) == i64(Error::Fault));
  CHECK(ember::write(1, reinterpret_cast<const void*>(opaque(kNonCanonical)), 8) ==
        i64(Error::Fault));
  CHECK(ember::spawn(reinterpret_cast<const char*>(opaque(kKernelAddress)), nullptr) ==
        i64(Error::Fault));
  CHECK(ember::spawn(reinterpret_cast<const char*>(opaque(0x10)), nullptr) == i64(Error::Fault));
  const char* argv[] = {"true", reinterpret_cast<const char*>(opaque(kKernelAddress)), nullptr};
  CHECK(ember::spawn("/bin/true", argv) == i64(Error::Fault));
  CHECK(ember::spawn("/bin/true", reinterpret_cast<const char* const*>(opaque(0x10))) ==
        i64(Error::Fault));
  i64 pid = ember::spawn("/bin/true", nullptr);
  CHECK(pid > 0);
  CHECK(ember::wait(pid, reinterpret_cast<i64*>(opaque(kKernelAddress))) == i64(Error::Fault));
  CHECK(ember::wait(pid, nullptr) == pid);
  return true;
}

bool spawn_and_wait() {
  const char* t[] = {"true", nullptr};
  const char* f[] = {"false", nullptr};
  CHECK(run("/bin/true", t) == 0);
  CHECK(run("/bin/false", f) == 1);
  CHECK(ember::spawn("/bin/nosuchprogram", t) == i64(Error::NoEntry));
  CHECK(ember::spawn("/bin", t) == i64(Error::NoEntry));
  CHECK(ember::wait(99999, nullptr) == i64(Error::NoChild));
  CHECK(ember::wait(ember::getpid(), nullptr) == i64(Error::NoChild));
  return true;
}

bool argv_limits() {
  const char* many[abi::kMaxArgs + 2];
  for (usize i = 0; i <= abi::kMaxArgs; ++i) many[i] = "x";
  many[abi::kMaxArgs + 1] = nullptr;
  CHECK(ember::spawn("/bin/true", many) == i64(Error::TooBig));
  many[abi::kMaxArgs] = nullptr;  // exactly the limit
  CHECK(run("/bin/true", many) == 0);
  static char big[abi::kMaxArgBytes + 1];
  for (usize i = 0; i < abi::kMaxArgBytes; ++i) big[i] = 'a';
  const char* long_arg[] = {"true", big, nullptr};
  CHECK(ember::spawn("/bin/true", long_arg) == i64(Error::TooBig));
  return true;
}

bool thousand_processes() {
  const char* t[] = {"true", nullptr};
  for (int i = 0; i < 1000; ++i) {
    i64 s = run("/bin/true", t);
    if (!check(s == 0, "spawn/exit/wait of true")) return false;
  }
  return true;
}

u64 shared_counter;

void add(void* n) {
  for (u64 i = 0; i < u64(reinterpret_cast<usize>(n)); ++i)
    __atomic_fetch_add(&shared_counter, 1, __ATOMIC_RELAXED);
}

bool threads_create_join() {
  shared_counter = 0;
  i64 tids[4];
  for (auto& t : tids) t = ember::thread(add, reinterpret_cast<void*>(usize(1000)));
  for (i64 t : tids) CHECK(t > 0);
  for (i64 t : tids) CHECK(ember::join(t) == 0);
  CHECK(shared_counter == 4000);
  CHECK(ember::thread_join(0) == i64(Error::Invalid));          // the caller itself
  CHECK(ember::thread_join(tids[0]) == i64(Error::NoProcess));  // joined already
  CHECK(ember::thread_join(999) == i64(Error::NoProcess));
  return true;
}

void idle(void*) { ember::sleep_ns(~u64{0} >> 2); }

bool thread_arguments() {
  alignas(16) static u8 stack[4096];
  auto* top = stack + sizeof(stack);
  auto entry = reinterpret_cast<void (*)(void*)>(opaque(kKernelAddress));
  CHECK(ember::thread_create(entry, nullptr, top) == i64(Error::Fault));
  entry = reinterpret_cast<void (*)(void*)>(opaque(kNonCanonical));
  CHECK(ember::thread_create(entry, nullptr, top) == i64(Error::Fault));
  CHECK(ember::thread_create(nullptr, nullptr, top) == i64(Error::Fault));
  CHECK(ember::thread_create(idle, nullptr, reinterpret_cast<void*>(opaque(kKernelAddress))) ==
        i64(Error::Fault));
  CHECK(ember::thread_create(idle, nullptr, top - 8) == i64(Error::Invalid));
  return true;
}

// The limit: the process (this thread included) has at most 16 threads.
bool thread_limit() {
  const char* argv[] = {"usertests", "child-limit", nullptr};
  CHECK(run("/bin/usertests", argv) == 0);
  return true;
}

bool thread_exit_ends_process() {
  CHECK(run_self("child-exit") == 7);
  return true;
}

bool thread_fault_ends_process() {
  CHECK(run_self("child-fault") == 128 + 14);  // #PF
  return true;
}

// Memory and its limits from ring 3: memtest checks brk, mmap and munmap (every bad
// argument's error, brk/mmap/malloc past the process's limit giving NoMemory), demand-zero
// pages and malloc; and running the stack past its limit ends only that process.
bool memory_limits() {
  const char* all[] = {"memtest", nullptr};
  CHECK(run("/bin/memtest", all) == 0);
  const char* stack[] = {"memtest", "stack-limit", nullptr};
  CHECK(run("/bin/memtest", stack) == 128 + 14);  // #PF in the guard gap
  return true;
}

// fork, copy-on-write and exec (docs/processes.md, "Fork and copy-on-write"): forktest's
// checks (children writing a copy-on-write buffer, a grandchild, exec's refusals and the
// descriptors it keeps, the FPU state across fork and exec, a fork while another thread
// writes, an orphan), and a fork bomb that hits the process limit and recovers.
bool fork_exec() {
  const char* argv[] = {"forktest", "2", nullptr};
  CHECK(run("/bin/forktest", argv) == 0);
  return true;
}
bool fork_bomb() {
  const char* argv[] = {"forktest", "bomb", nullptr};
  CHECK(run("/bin/forktest", argv) == 0);
  return true;
}

// Pipes (docs/pipes.md): each case runs one of pipetest's check modes, which prints what
// failed. pipeline: 1 MiB through gen | cat | sum (spawned) and three forked stages, the
// checksum compared; eof, broken (BrokenPipe), inherit (fork and spawn), bad-args, and
// programs (wc, grep, head, tee in pipelines).
bool pipetest(const char* mode) {
  const char* argv[] = {"pipetest", mode, nullptr};
  return run("/bin/pipetest", argv) == 0;
}
bool pipe_pattern() { return check(pipetest("pattern"), "pipetest pattern"); }
bool pipe_pipeline() { return check(pipetest("pipeline"), "pipetest pipeline"); }
bool pipe_eof() { return check(pipetest("eof"), "pipetest eof"); }
bool pipe_broken() { return check(pipetest("broken"), "pipetest broken"); }
bool pipe_inherit() { return check(pipetest("inherit"), "pipetest inherit"); }
bool pipe_bad_args() { return check(pipetest("bad-args"), "pipetest bad-args"); }
bool pipe_programs() { return check(pipetest("programs"), "pipetest programs"); }

struct Test {
  const char* name;
  bool (*run)();
};

// Add tests here: a name and a function returning whether it passed.
constexpr Test kTests[] = {
    {"ids", ids},
    {"clock-sleep", clock_and_sleep},
    {"unknown-numbers", unknown_numbers},
    {"bad-pointers", bad_pointers},
    {"spawn-wait", spawn_and_wait},
    {"argv-limits", argv_limits},
    {"threads", threads_create_join},
    {"thread-arguments", thread_arguments},
    {"thread-limit", thread_limit},
    {"thread-exit-ends-process", thread_exit_ends_process},
    {"thread-fault-ends-process", thread_fault_ends_process},
    {"memory-limits", memory_limits},
    {"thousand-processes", thousand_processes},
    {"fork-exec", fork_exec},
    {"fork-bomb", fork_bomb},
    {"cow-shares-until-written", cow_tests::shares_until_written},
    {"cow-exec-drops-sharing", cow_tests::exec_drops_sharing},
    {"cow-meminfo-arguments", cow_tests::meminfo_arguments},
    {"pipe-pattern", pipe_pattern},
    {"pipe-pipeline", pipe_pipeline},
    {"pipe-eof", pipe_eof},
    {"pipe-broken", pipe_broken},
    {"pipe-inherit", pipe_inherit},
    {"pipe-bad-args", pipe_bad_args},
    {"pipe-programs", pipe_programs},
    {"ramfs-files", ramfs_tests::files},
    {"ramfs-append-seek", ramfs_tests::append_and_seek},
    {"ramfs-unlink-while-open", ramfs_tests::unlink_while_open},
    {"ramfs-rename-dirs", ramfs_tests::rename_and_directories},
    {"ramfs-cwd", ramfs_tests::current_directory},
    {"ramfs-full", ramfs_tests::full_file_system},
    {"ramfs-bad-paths", ramfs_tests::bad_paths},
    {"ramfs-shared-offsets", ramfs_tests::shared_offsets},
};

// Children of the thread tests.
void exit7(void*) { ember::exit(7); }
void null_read(void*) { *reinterpret_cast<volatile u64*>(opaque(0)) = 1; }

int child(const char* mode) {
  if (ember::streq(mode, "child-exit")) {
    ember::thread(exit7, nullptr);
    for (;;) ember::sleep_ns(1'000'000'000);
  }
  if (ember::streq(mode, "child-fault")) {
    ember::thread(null_read, nullptr);
    for (;;) ember::sleep_ns(1'000'000'000);
  }
  if (ember::streq(mode, "child-limit")) {
    int made = 0;
    for (int i = 0; i < 15; ++i) made += ember::thread(idle, nullptr) > 0;
    alignas(16) static u8 stack[4096];
    i64 more = ember::thread_create(idle, nullptr, stack + sizeof(stack));
    return made == 15 && more == i64(Error::Again) ? 0 : 1;  // exit ends the idle threads
  }
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1) {
    int c = child(argv[1]);
    if (c >= 0) return c;
    if (c = ramfs_tests::child(argv[1]); c >= 0) return c;
  }
  u64 passed = 0, failed = 0;
  for (const Test& t : kTests) {
    if (argc > 1 && !ember::streq(argv[1], t.name)) continue;
    bool ok = t.run();
    ember::print(ok ? "usertests: ok " : "usertests: FAILED ");
    ember::print(t.name);
    ember::print("\n");
    ++(ok ? passed : failed);
  }
  ember::print_u64(passed);
  ember::print(" passed, ");
  ember::print_u64(failed);
  ember::print(" failed\n");
  return failed == 0 && passed > 0 ? 0 : 1;
}
