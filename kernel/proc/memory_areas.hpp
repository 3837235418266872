// A process's memory (docs/processes.md, "A process's memory"): its areas (libk/memory_areas.hpp)
// composed with its page tables (AddressSpace). The program image is mapped when the process
// starts; the heap (brk), anonymous mappings (mmap) and the stack are areas whose pages are
// mapped on first touch, zeroed, by the page-fault handler (demand_fault).
//
//   [4 MiB ...)          image segments, then the heap growing up from the page after them
//   [kMmapBase, kMmapTop) anonymous mappings, placed top-down
//   below kUserStackTop  the stack (kStackPages, on demand) and its guard gap below it
//
// Every page an area may use is committed when the area is made (image, stack, heap growth,
// mmap) against the process's limit (kMemoryLimitPages): going over it is a NoMemory error
// from the call, never a fault later. Running out of frames in a page fault ends the process.
//
// Context: thread (the process's own, or spawn while it builds the process); demand_fault in
// the page-fault handler. The areas and the user half's page tables change only under lock_.
#pragma once

#include <abi/syscalls.hpp>

#include <boot/address_space.hpp>
#include <hal/trap_frame.hpp>
#include <libk/memory_areas.hpp>
#include <libk/result.hpp>

#include "proc/address_space.hpp"
#include "sync/spinlock.hpp"

namespace kernel::proc {

class AddressSpace;

// The most pages a process may commit (image, stack, heap and mappings): 64 MiB.
inline constexpr u64 kMemoryLimitPages = 16384;
// Where mmap places memory when the hint is not usable: [16 TiB, 112 TiB), from the top.
inline constexpr u64 kMmapBase = 0x0000'1000'0000'0000ull;
inline constexpr u64 kMmapTop = 0x0000'7000'0000'0000ull;

class ProcessMemory {
 public:
  explicit ProcessMemory(AddressSpace& space) : space_(&space) {}
  ProcessMemory(const ProcessMemory&) = delete;
  ProcessMemory& operator=(const ProcessMemory&) = delete;

  // Set-up, while spawn builds the process. An image segment's pages [begin, end), which the
  // caller maps; the heap starts above the highest one.
  [[nodiscard]] libk::Result<void, abi::Error> add_image(u64 begin, u64 end, bool writable,
                                                         bool executable) EXCLUDES(lock_);
  // The stack area below kUserStackTop and its guard gap; maps the top page (for argv) and
  // returns its frame.
  [[nodiscard]] libk::Result<u64, abi::Error> add_stack() EXCLUDES(lock_);

  // The system calls (docs/syscalls.md).
  [[nodiscard]] libk::Result<u64, abi::Error> brk(u64 address) EXCLUDES(lock_);
  [[nodiscard]] libk::Result<u64, abi::Error> mmap(u64 hint, u64 length, u64 protection)
      EXCLUDES(lock_);
  [[nodiscard]] libk::Result<void, abi::Error> munmap(u64 address, u64 length) EXCLUDES(lock_);

  enum class FaultResult : u8 {
    Mapped,       // a zeroed page, a copy or a writable mapping is there now: retry
    Refused,      // no area allows this access: a real fault
    OutOfMemory,  // no frame (or page-table frame) left
  };
  // A fault at user `address` for a write or an instruction fetch (or a read); `present`: the
  // CPU found the page mapped (a protection fault). Decided by libk::decide_fault on the
  // page's state under the lock: demand-zero, copy-on-write, or a real fault.
  FaultResult fault(u64 address, bool write, bool fetch, bool present = false) EXCLUDES(lock_);

  // fork: gives `child` (a fresh process's, no areas) these areas, brk and commitment, and
  // a copy of the page tables sharing every present page copy-on-write; flushes this side's
  // now read-only translations from every CPU. NoMemory when out of table frames (the child
  // holds a partial copy, which its destroy() frees).
  [[nodiscard]] libk::Result<void, abi::Error> fork_into(ProcessMemory& child) EXCLUDES(lock_);
  // The address space this belongs to moved (AddressSpace::swap). Context: no CPU uses it.
  void rebind(AddressSpace& space) { space_ = &space; }

  struct Stats {
    u64 committed, areas, heap_begin, brk;
  };
  Stats stats() EXCLUDES(lock_);
  // The address space's pages and their sharing (AddressSpace::sharing), counted under the
  // lock, so that no fault or unmap changes them meanwhile.
  AddressSpace::Sharing sharing() EXCLUDES(lock_);

 private:
  libk::Result<void, abi::Error> commit_locked(u64 pages) REQUIRES(lock_);
  // Unmaps and frees the mapped pages of [begin, end).
  void unmap_locked(u64 begin, u64 end) REQUIRES(lock_);
  libk::Result<u64, abi::Error> grow_heap_locked(u64 old_top, u64 new_top) REQUIRES(lock_);

  SpinLock lock_{"user memory", lock_rank::kUserPages};
  AddressSpace* space_;  // its user half changes under lock_ once the process runs
  libk::MemoryAreas areas_ GUARDED_BY(lock_);
  u64 heap_begin_ GUARDED_BY(lock_) = 0;
  u64 break_ GUARDED_BY(lock_) = 0;
  u64 committed_ GUARDED_BY(lock_) = 0;
};

// The page-fault handler's first stop, for faults at user addresses of the current process
// from ring 3 or from a user copy (user_memory.hpp): maps a zeroed page (a not-present fault
// in an area that allows the access) or resolves a write to a copy-on-write page
// (ProcessMemory::fault). False: a real fault (reported by the caller). A system call must not
// copy user memory while it holds a spin lock: the fault takes this process's lock.
bool demand_fault(const hal::TrapFrame& frame, u64 cr2);

// What the fault handler did since boot (tests and benchmarks).
struct FaultCounts {
  u64 zeroed, copied, reused;
};
FaultCounts fault_counts();

}  // namespace kernel::proc
