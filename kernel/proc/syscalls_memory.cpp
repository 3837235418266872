// System calls on a process's memory (docs/syscalls.md): brk, mmap and munmap, on the calling
// process's ProcessMemory (memory_areas.hpp), which checks every argument.
#include "proc/address_space.hpp"
#include "proc/memory_areas.hpp"
#include "proc/process.hpp"
#include "proc/syscall_handlers.hpp"

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

// munmap(address, length).
Result sys_munmap(const Frame& f) {
  ProcessMemory* m = memory();
  if (m == nullptr) return libk::unexpected(Error::Invalid);
  TRY(m->munmap(f.rdi, f.rsi));
  return 0;
}

}  // namespace kernel::proc::syscalls
