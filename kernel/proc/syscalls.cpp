// The system calls (docs/syscalls.md): hal_syscall_dispatch, called by the SYSCALL entry
// (hal/x86/syscall_entry.S) with the user's registers in a TrapFrame, decodes the number and
// arguments, validates every one, and leaves the result in the frame's rax.
#include <abi/syscalls.hpp>

#include <hal/user_mode.hpp>

#include "console.hpp"
#include "memory/heap.hpp"
#include "proc/process.hpp"
#include "proc/user_memory.hpp"
#include "sched/thread.hpp"

namespace kernel::proc {

namespace {

using abi::Error;
using abi::Syscall;
using Result = libk::Result<i64, Error>;

constexpr usize kWriteChunk = 256;
constexpr int kStdout = 1, kStderr = 2;

Result sys_write(u64 fd, u64 buffer, u64 length) {
  if (fd != kStdout && fd != kStderr) return libk::unexpected(Error::Invalid);
  if (i64(length) < 0) return libk::unexpected(Error::Invalid);
  length = libk::min<u64>(length, abi::kMaxWrite);
  if (!user_range(buffer, length)) return libk::unexpected(Error::Fault);
  char chunk[kWriteChunk];
  u64 done = 0;
  while (done < length) {
    u64 n = libk::min<u64>(kWriteChunk, length - done);
    if (auto r = copy_from_user(chunk, buffer + done, n); !r) {
      if (done == 0) return libk::unexpected(r.error());
      break;  // a short write: what was readable
    }
    console::write({chunk, n});
    done += n;
  }
  return i64(done);
}

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

Result sys_spawn(u64 user_path, u64 user_argv) {
  auto* a = new (heap::nothrow) SpawnArgs;
  if (a == nullptr) return libk::unexpected(Error::NoMemory);
  auto result = [&]() -> Result {
    usize n = TRY(copy_string_from_user(a->path, user_path, sizeof(a->path)));
    if (user_argv != 0)
      TRY(copy_argv(*a, user_argv));
    else
      a->argc = 0;
    Pid pid = TRY(spawn({a->path, n}, {a->argv, a->argc}, current_pid()));
    return i64(pid);
  }();
  delete a;
  return result;
}

Result sys_wait(u64 pid, u64 user_status) {
  if (pid == 0 || pid > ~u32{0}) return libk::unexpected(Error::NoChild);
  i64 zero = 0;
  if (user_status != 0) TRY(copy_to_user(user_status, &zero, sizeof(zero)));  // writable?
  i64 status = TRY(wait(Pid(pid), current_pid()));
  if (user_status != 0) TRY(copy_to_user(user_status, &status, sizeof(status)));
  return i64(pid);
}

Result dispatch(const hal::TrapFrame& f) {
  switch (Syscall(f.rax)) {
    case Syscall::Exit: exit_current(i64(f.rdi));
    case Syscall::Write: return sys_write(f.rdi, f.rsi, f.rdx);
    case Syscall::GetPid: return i64(current_pid());
    case Syscall::Yield: thread::yield(); return 0;
    case Syscall::Spawn: return sys_spawn(f.rdi, f.rsi);
    case Syscall::Wait: return sys_wait(f.rdi, f.rsi);
    case Syscall::Count: break;
  }
  return libk::unexpected(Error::NoSys);
}

}  // namespace

}  // namespace kernel::proc

extern "C" void hal_syscall_dispatch(hal::TrapFrame* frame) {
  auto r = kernel::proc::dispatch(*frame);
  frame->rax = r ? u64(r.value()) : u64(i64(r.error()));
}
