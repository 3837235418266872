// System calls on processes and threads (docs/syscalls.md): exit, getpid, yield, spawn, wait,
// kill, getppid, sleep, clock, the thread calls, fork and exec.
#include "memory/heap.hpp"
#include "proc/process.hpp"
#include "proc/syscall_handlers.hpp"
#include "proc/user_memory.hpp"
#include "sched/thread.hpp"
#include "time.hpp"

namespace kernel::proc::syscalls {

namespace {

using abi::Error;

// Storage for spawn's copies of its arguments.
struct SpawnArgs {
  char path[abi::kMaxPath + 1];
  char strings[abi::kMaxArgBytes];
  libk::StringView argv[abi::kMaxArgs];
  usize argc;
};

libk::Result<void, Error> copy_argv(SpawnArgs& a, u64 user_argv) {
  usize used = 0;
  a.argc = 0;
  for (usize i = 0;; ++i) {
    u64 pointer = 0;
    TRY(copy_from_user(&pointer, user_argv + i * sizeof(u64), sizeof(u64)));
    if (pointer == 0) return {};
    if (i == abi::kMaxArgs || used == abi::kMaxArgBytes) return libk::unexpected(Error::TooBig);
    auto n = copy_string_from_user(a.strings + used, pointer, abi::kMaxArgBytes - used);
    if (!n) return libk::unexpected(n.error() == Error::NameTooLong ? Error::TooBig : n.error());
    a.argv[a.argc++] = {a.strings + used, n.value()};
    used += n.value() + 1;
  }
}

}  // namespace

void sys_exit(const Frame& f) { exit_current(i64(f.rdi)); }

Result sys_getpid(const Frame&) { return i64(current_pid()); }

Result sys_yield(const Frame&) {
  thread::yield();
  return 0;
}

namespace {

// Copies spawn's and exec's (path, argv) into `a`; returns the path's length.
libk::Result<usize, Error> copy_path_and_argv(SpawnArgs& a, u64 user_path, u64 user_argv) {
  usize n = TRY(copy_string_from_user(a.path, user_path, sizeof(a.path)));
  if (user_argv != 0)
    TRY(copy_argv(a, user_argv));
  else
    a.argc = 0;
  return n;
}

}  // namespace

// spawn(path, argv)
Result sys_spawn(const Frame& f) {
  auto* a = new (heap::nothrow) SpawnArgs;
  if (a == nullptr) return libk::unexpected(Error::NoMemory);
  auto result = [&]() -> Result {
    usize n = TRY(copy_path_and_argv(*a, f.rdi, f.rsi));
    Pid pid = TRY(spawn({a->path, n}, {a->argv, a->argc}, current_pid()));
    return i64(pid);
  }();
  delete a;
  return result;
}

// fork(): the child's pid here; 0 in the child, which resumes from a copy of `f`.
Result sys_fork(const Frame& f) {
  if (current_pid() == kKernelParent) return libk::unexpected(Error::Invalid);
  return i64(TRY(fork(f)));
}

// exec(path, argv): returns only with an error. The new image is built (its stack holding
// copies of the arguments) before the kernel's copies of them are freed and it replaces the
// old one.
Result sys_exec(const Frame& f) {
  if (current_pid() == kKernelParent) return libk::unexpected(Error::Invalid);
  auto* a = new (heap::nothrow) SpawnArgs;
  if (a == nullptr) return libk::unexpected(Error::NoMemory);
  auto image = [&]() -> libk::Result<ExecImage*, Error> {
    usize n = TRY(copy_path_and_argv(*a, f.rdi, f.rsi));
    return prepare_exec({a->path, n}, {a->argv, a->argc});
  }();
  delete a;
  if (!image) return libk::unexpected(image.error());
  return libk::unexpected(exec(image.value()).error());
}

// wait(pid, &status)
Result sys_wait(const Frame& f) {
  u64 pid = f.rdi, user_status = f.rsi;
  if (pid == 0 || pid > ~u32{0}) return libk::unexpected(Error::NoChild);
  i64 zero = 0;
  if (user_status != 0) TRY(copy_to_user(user_status, &zero, sizeof(zero)));  // writable?
  i64 status = TRY(wait(Pid(pid), current_pid()));
  if (user_status != 0) TRY(copy_to_user(user_status, &status, sizeof(status)));
  return i64(pid);
}

// kill(pid): any running process, the caller included (which then ends on the way out).
Result sys_kill(const Frame& f) {
  if (f.rdi == 0 || f.rdi > ~u32{0}) return libk::unexpected(Error::NoProcess);
  TRY(kill(Pid(f.rdi), abi::kStatusKilled));
  return 0;
}

Result sys_getppid(const Frame&) {
  if (current_pid() == kKernelParent) return i64(kKernelParent);  // a kernel thread (tests)
  return i64(current_parent());
}

// sleep(ns): at least `ns` nanoseconds of the monotonic clock; Interrupted when the process is
// being ended first. Sleeps longer than the clock can count are cut at its end.
Result sys_sleep(const Frame& f) {
  if (current_pid() == kKernelParent) return libk::unexpected(Error::Invalid);
  u64 now = time::now_ns();
  u64 deadline = f.rdi > ~u64{0} - now ? ~u64{0} - 1 : now + f.rdi;
  TRY(sleep_until(deadline));
  return 0;
}

// clock(): nanoseconds of monotonic time since boot (kernel/time.hpp).
Result sys_clock_get(const Frame&) { return i64(time::now_ns()); }

// thread_create(entry, arg, stack_top)
Result sys_thread_create(const Frame& f) {
  if (current_pid() == kKernelParent) return libk::unexpected(Error::Invalid);
  return i64(TRY(thread_create(f.rdi, f.rsi, f.rdx)));
}

void sys_thread_exit(const Frame&) { thread_exit_current(); }

// thread_join(tid)
Result sys_thread_join(const Frame& f) {
  if (current_pid() == kKernelParent) return libk::unexpected(Error::Invalid);
  if (f.rdi >= kMaxThreads) return libk::unexpected(Error::NoProcess);
  TRY(thread_join(Tid(f.rdi)));
  return 0;
}

}  // namespace kernel::proc::syscalls
