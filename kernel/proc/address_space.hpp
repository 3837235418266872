// A process's address space (docs/processes.md): its own top-level page table whose kernel
// half (entries 256-511) is a copy of the kernel's, filled once at boot and never changed
// (vm::fill_kernel_half), and a user half of 4 KiB pages, each backed by its own frame.
//
// Its areas, brk and demand-zero faults are a ProcessMemory (memory_areas.hpp) that it owns:
// once the process runs, its user half changes only under that object's lock.
//
// Context: thread. The process that owns it builds it (spawn) and tears it down (exit) while
// no CPU runs on it.
#pragma once

#include <hal/paging.hpp>
#include <libk/optional.hpp>
#include <libk/result.hpp>

namespace kernel::proc {

class ProcessMemory;

class AddressSpace {
 public:
  constexpr AddressSpace() = default;

  // A fresh top-level table with the kernel half shared, and empty areas; false when out of
  // memory.
  [[nodiscard]] bool create();
  bool live() const { return root_ != 0; }
  ProcessMemory& memory() { return *memory_; }
  u64 root() const { return root_; }

  // Maps a zeroed frame at the user page `virt` (or, if it is mapped already, keeps it) and
  // returns its physical address. `perms.user` is forced on.
  libk::Result<u64, hal::paging::MapError> map_page(u64 virt, hal::paging::Permissions perms);
  // Marks [virt, virt + size) as guard pages (the stack's gap).
  libk::Result<void, hal::paging::MapError> map_guard(u64 virt, u64 size);
  libk::Optional<hal::paging::Translation> translate(u64 virt);
  // Unmaps the user page `virt` and frees its frame (nothing if it is not mapped); flushes it
  // from this CPU's TLB if this address space is loaded.
  void unmap_page(u64 virt);
  // Unmaps the user pages of [begin, end) (page-aligned) and frees their frames only after
  // every CPU has dropped their translations (tlb::shootdown): another thread of the process
  // may be running on another CPU with them cached, and must fault, not write into a frame
  // that was handed to someone else.
  void unmap_range(u64 begin, u64 end);

  // Frees every user page, every table of the user half and the top-level table. The
  // caller's CPU must not have it in CR3 (Scheduler::leave_address_space), and no other does.
  void destroy();

  // User pages mapped, and table frames (the top level included) it holds.
  u64 pages() const { return pages_; }
  u64 tables() const { return tables_; }

 private:
  u64 root_ = 0;
  ProcessMemory* memory_ = nullptr;
  u64 pages_ = 0;
  u64 tables_ = 0;
};

}  // namespace kernel::proc
