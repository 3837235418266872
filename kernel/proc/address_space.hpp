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
  // Unmaps the user pages of [begin, end) (page-aligned) and frees their frames only after
  // every CPU has dropped their translations (tlb::shootdown): another thread of the process
  // may be running on another CPU with them cached, and must fault, not write into a frame
  // that was handed to someone else.
  void unmap_range(u64 begin, u64 end);

  // Frees every user page, every table of the user half and the top-level table. The
  // caller's CPU must not have it in CR3 (Scheduler::leave_address_space), and no other does.
  // A frame that another address space shares (fork) loses one reference instead.
  void destroy();

  // --- Fork and copy-on-write (docs/processes.md) ---------------------------------------

  // Gives `child` (created, with an empty user half) a copy of every user page table, whose
  // present leaves map the same frames read-only on both sides, each frame gaining a
  // reference; guard markers are copied. This side's PTEs lose their write bit: the caller
  // flushes them from every CPU that may have this address space loaded. False when out of
  // table frames; `child` then holds what was copied so far (its destroy() undoes it). The
  // caller holds the lock under which this user half changes (ProcessMemory).
  [[nodiscard]] bool copy_to(AddressSpace& child);
  // The page at user `virt`: whether it is mapped, whether writable, and its frame.
  struct PageInfo {
    bool present, writable;
    u64 frame;
  };
  PageInfo page_info(u64 virt);
  // A write fault on the read-only mapping of a shared frame at user page `virt`: a new
  // frame with a copy of its bytes replaces it, writable, the old frame loses a reference
  // (after every CPU dropped the old translation). False when out of frames.
  [[nodiscard]] bool copy_page(u64 virt);
  // The same for the frame's last reference: the mapping just becomes writable again.
  void make_writable(u64 virt);

  // Exchanges everything with `other` (exec: the new image becomes this one's). Neither may
  // be in use by a CPU but the caller's, which switches CR3 itself.
  void swap(AddressSpace& other);

  // How many user pages are mapped, and how many of them map a frame that another address
  // space maps too (a reference count above one). The caller holds the lock under which this
  // user half changes (ProcessMemory::sharing).
  struct Sharing {
    u64 resident, shared;
  };
  Sharing sharing();

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
