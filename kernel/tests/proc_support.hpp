// For in-kernel tests of processes: running a program to its end, and calling the system-call
// dispatcher from a kernel thread.
#pragma once

#include <abi/syscalls.hpp>

#include <hal/trap_frame.hpp>
#include <hal/user_mode.hpp>
#include <libk/result.hpp>
#include <libk/string_view.hpp>

#include "proc/address_space.hpp"
#include "proc/memory_areas.hpp"
#include "proc/process.hpp"

namespace kernel::test_support {

// Spawns `path` with argv `args...` (argv[0] first, by convention) and waits for it: its exit
// status. Context: thread.
template <typename... Args>
libk::Result<i64, abi::Error> run(libk::StringView path, Args... args) {
  libk::StringView argv[] = {libk::StringView(args)..., ""};  // the last only keeps it non-empty
  auto pid = proc::spawn(path, {argv, sizeof...(Args)}, proc::kKernelParent);
  if (!pid) return libk::unexpected(pid.error());
  return proc::wait(pid.value(), proc::kKernelParent);
}

// A TrapFrame as the SYSCALL entry would build it, for calling the dispatcher from a kernel
// thread (whose user half is empty: every user pointer is bad). The result as rax holds it.
inline i64 syscall(abi::Syscall number, u64 a0 = 0, u64 a1 = 0, u64 a2 = 0) {
  hal::TrapFrame f{};
  f.rax = u64(number);
  f.rdi = a0, f.rsi = a1, f.rdx = a2;
  f.vector = SYSCALL_VECTOR;
  hal_syscall_dispatch(&f);
  return i64(f.rax);
}

// A scratch address space with a one-page image at 4 MiB and the stack, as spawn makes them;
// `ready` says whether it was made. Destroyed with the object.
struct Scratch {
  proc::AddressSpace space;
  bool ready = false;
  Scratch() {
    if (!space.create()) return;
    ready = space.memory().add_image(0x40'0000, 0x40'1000, false, true).ok() &&
            space.memory().add_stack().ok();
  }
  ~Scratch() { space.destroy(); }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  proc::ProcessMemory& m() { return space.memory(); }
};

}  // namespace kernel::test_support
