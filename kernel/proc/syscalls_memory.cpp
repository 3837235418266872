// System calls on a process's memory (docs/syscalls.md): brk, mmap and munmap, on the calling
// process's ProcessMemory (memory_areas.hpp), which checks every argument; meminfo.
#include "proc/address_space.hpp"
#include "proc/memory_areas.hpp"
#include "proc/process.hpp"
#include "proc/syscall_handlers.hpp"
#include "proc/user_memory.hpp"

namespace kernel::proc::syscalls {

namespace {

using abi::Error;

// The caller's memory; null for a kernel thread (the in-kernel tests call the dispatcher).
ProcessMemory* memory() {
  AddressSpace* space = current_address_space();
  return space != nullptr && space->live() ? &space->memory() : nullptr;
}

}  // namespace

// brk(address): 0 asks for the current break.
Result sys_brk(const Frame& f) {
  ProcessMemory* m = memory();
  if (m == nullptr) return libk::unexpected(Error::Invalid);
  return i64(TRY(m->brk(f.rdi)));
}

// mmap(hint, length, protection).
Result sys_mmap(const Frame& f) {
  ProcessMemory* m = memory();
  if (m == nullptr) return libk::unexpected(Error::Invalid);
  return i64(TRY(m->mmap(f.rdi, f.rsi, f.rdx)));
}

// meminfo(pid, &info): `pid` 0 is the caller.
Result sys_meminfo(const Frame& f) {
  if (current_pid() == kKernelParent) return libk::unexpected(Error::Invalid);
  if (f.rdi > ~u32{0}) return libk::unexpected(Error::NoProcess);
  abi::MemInfo info = TRY(memory_info(Pid(f.rdi)));
  TRY(copy_to_user(f.rsi, &info, sizeof(info)));
  return 0;
}

// munmap(address, length).
Result sys_munmap(const Frame& f) {
  ProcessMemory* m = memory();
  if (m == nullptr) return libk::unexpected(Error::Invalid);
  TRY(m->munmap(f.rdi, f.rsi));
  return 0;
}

}  // namespace kernel::proc::syscalls
