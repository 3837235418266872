#include "proc/memory_areas.hpp"

#include <hal/exceptions.hpp>
#include <hal/user_mode.hpp>
#include <libk/page_fault_policy.hpp>

#include "cpu/tlb.hpp"
#include "log.hpp"
#include "memory/pmm.hpp"
#include "proc/address_space.hpp"
#include "proc/process.hpp"
#include "proc/user_memory.hpp"

namespace kernel::proc {

namespace {

using abi::Error;
using libk::Area;
using libk::AreaKind;
using libk::kPageSize;

constexpr u64 kUserEnd = boot::layout::kUserSpace.size;
constexpr u64 kStackBottom = boot::layout::kUserStackTop - kStackPages * kPageSize;
constexpr u64 kGuardBottom = kStackBottom - kStackGuardPages * kPageSize;
constexpr u8 kReadWrite = libk::kAreaRead | libk::kAreaWrite;

// Page-fault error code bits (Intel SDM Vol. 3A, 4.7 "Page-Fault Exceptions").
constexpr u64 kFaultPresent = 1u << 0;
constexpr u64 kFaultWrite = 1u << 1;
constexpr u64 kFaultFetch = 1u << 4;

// An area error as the system calls report it: a full area table or a collision with
// another area both mean no room for the memory.
Error area_error(libk::AreaError) { return Error::NoMemory; }

constinit libk::Atomic<u64> zeroed_pages{0}, copied_pages{0}, reused_pages{0};

// [address, address + length) rounded out to pages, inside user space: its end, or nullopt
// if the length wraps or the range leaves user space.
libk::Optional<u64> page_range_end(u64 address, u64 length) {
  if (length > kUserEnd || address >= kUserEnd) return libk::nullopt;
  u64 bytes = libk::align_up(length, kPageSize);
  if (!user_range(address, bytes)) return libk::nullopt;
  return address + bytes;
}

}  // namespace

libk::Result<void, Error> ProcessMemory::commit_locked(u64 pages) {
  lock_.assert_held();
  if (pages > kMemoryLimitPages - committed_) return libk::unexpected(Error::NoMemory);
  committed_ += pages;
  return {};
}

libk::Result<void, Error> ProcessMemory::add_image(u64 begin, u64 end, bool writable,
                                                   bool executable) {
  SpinLockGuard guard(lock_);
  u8 prot =
      libk::kAreaRead | (writable ? libk::kAreaWrite : 0) | (executable ? libk::kAreaExecute : 0);
  // Segments may share a page (the validator allows it): only the pages not yet in an area.
  for (u64 page = begin; page < end; page += kPageSize) {
    if (areas_.find(page)) continue;
    TRY(commit_locked(1));
    if (!areas_.insert({page, page + kPageSize, AreaKind::Image, prot}))
      return libk::unexpected(Error::NoMemory);
  }
  heap_begin_ = libk::max(heap_begin_, end);
  break_ = heap_begin_;
  return {};
}

libk::Result<u64, Error> ProcessMemory::add_stack() {
  SpinLockGuard guard(lock_);
  TRY(commit_locked(kStackPages));
  if (!areas_.insert({kGuardBottom, kStackBottom, AreaKind::Guard, 0}) ||
      !areas_.insert({kStackBottom, boot::layout::kUserStackTop, AreaKind::Stack, kReadWrite}))
    return libk::unexpected(Error::NoMemory);
  // Tagged guard entries: a fault there is reported as a guard page.
  if (!space_->map_guard(kGuardBottom, kStackGuardPages * kPageSize))
    return libk::unexpected(Error::NoMemory);
  auto top = space_->map_page(boot::layout::kUserStackTop - kPageSize, {.writable = true});
  if (!top) return libk::unexpected(Error::NoMemory);
  return top.value();
}

void ProcessMemory::unmap_locked(u64 begin, u64 end) {
  lock_.assert_held();
  space_->unmap_range(begin, end);
}

libk::Result<u64, Error> ProcessMemory::grow_heap_locked(u64 old_top, u64 new_top) {
  lock_.assert_held();
  u64 pages = (new_top - old_top) / kPageSize;
  TRY(commit_locked(pages));
  if (auto r = areas_.insert({old_top, new_top, AreaKind::Heap, kReadWrite}); !r) {
    committed_ -= pages;
    return libk::unexpected(area_error(r.error()));
  }
  return new_top;
}

libk::Result<u64, Error> ProcessMemory::brk(u64 address) {
  SpinLockGuard guard(lock_);
  if (address == 0) return break_;
  if (address < heap_begin_ || address >= kUserEnd) return libk::unexpected(Error::Invalid);
  u64 old_top = libk::align_up(break_, kPageSize);
  u64 new_top = libk::align_up(address, kPageSize);
  if (new_top > old_top) {
    TRY(grow_heap_locked(old_top, new_top));
  } else if (new_top < old_top) {
    auto removed = areas_.remove(new_top, old_top);  // trims the heap's end: never a split
    VERIFY(removed.ok());
    committed_ -= removed.value();
    unmap_locked(new_top, old_top);
  }
  break_ = address;
  return break_;
}

libk::Result<u64, Error> ProcessMemory::mmap(u64 hint, u64 length, u64 protection) {
  if (length == 0 || (protection & ~(abi::kProtRead | abi::kProtWrite | abi::kProtExec)) != 0)
    return libk::unexpected(Error::Invalid);
  if (protection & abi::kProtExec) return libk::unexpected(Error::NotPermitted);
  if (length > kUserEnd) return libk::unexpected(Error::NoMemory);
  u64 bytes = libk::align_up(length, kPageSize);
  if (hint != 0 && (!libk::is_aligned(hint, kPageSize) || !page_range_end(hint, bytes)))
    return libk::unexpected(Error::Invalid);
  u8 prot = protection & abi::kProtWrite ? kReadWrite : u8(protection);
  SpinLockGuard guard(lock_);
  // The hint, if the whole range is free and in the mmap window; else the highest free gap.
  u64 base = 0;
  if (hint >= kMmapBase && hint <= kMmapTop && bytes <= kMmapTop - hint &&
      !areas_.overlaps(hint, hint + bytes)) {
    base = hint;
  } else if (auto gap = areas_.find_free_top_down(bytes, kMmapBase, kMmapTop)) {
    base = *gap;
  } else {
    return libk::unexpected(Error::NoMemory);
  }
  TRY(commit_locked(bytes / kPageSize));
  if (auto r = areas_.insert({base, base + bytes, AreaKind::Anonymous, prot}); !r) {
    committed_ -= bytes / kPageSize;
    return libk::unexpected(area_error(r.error()));
  }
  return base;
}

libk::Result<void, Error> ProcessMemory::munmap(u64 address, u64 length) {
  if (length == 0 || !libk::is_aligned(address, kPageSize)) return libk::unexpected(Error::Invalid);
  auto end = page_range_end(address, length);
  if (!end) return libk::unexpected(Error::Invalid);
  SpinLockGuard guard(lock_);
  // Only anonymous mappings may be unmapped (the heap shrinks through brk; the image and the
  // stack stay), and the range must hold at least one.
  bool any = false;
  for (const Area& a : areas_.areas()) {
    if (a.end <= address || a.begin >= *end) continue;
    if (a.kind != AreaKind::Anonymous) return libk::unexpected(Error::Invalid);
    any = true;
  }
  if (!any) return libk::unexpected(Error::Invalid);
  auto removed = areas_.remove(address, *end);
  if (!removed) return libk::unexpected(area_error(removed.error()));  // a split, table full
  committed_ -= removed.value();
  unmap_locked(address, *end);
  return {};
}

ProcessMemory::FaultResult ProcessMemory::fault(u64 address, bool write, bool fetch, bool present) {
  using libk::FaultAction;
  u64 page = libk::align_down(address, kPageSize);
  SpinLockGuard guard(lock_);
  auto area = areas_.find(page);
  // The page as it is now: another thread may have mapped or copied it since the fault.
  AddressSpace::PageInfo now = space_->page_info(page);
  if (now.present && !present && !write && !fetch) return FaultResult::Mapped;
  libk::FaultState state{now.present, write, fetch, now.writable,
                         now.present && write && !now.writable ? pmm::references(now.frame) : 0};
  switch (libk::decide_fault(area ? &*area : nullptr, state)) {
    case FaultAction::Refuse: return FaultResult::Refused;
    case FaultAction::Spurious: return FaultResult::Mapped;
    case FaultAction::MapZero: {
      bool writable = (area->protection & libk::kAreaWrite) != 0;
      if (!space_->map_page(page, {.writable = writable})) return FaultResult::OutOfMemory;
      zeroed_pages.fetch_add(1, libk::MemoryOrder::Relaxed);
      return FaultResult::Mapped;
    }
    case FaultAction::Reuse:
      space_->make_writable(page);
      reused_pages.fetch_add(1, libk::MemoryOrder::Relaxed);
      return FaultResult::Mapped;
    case FaultAction::Copy:
      if (!space_->copy_page(page)) return FaultResult::OutOfMemory;
      copied_pages.fetch_add(1, libk::MemoryOrder::Relaxed);
      return FaultResult::Mapped;
  }
  return FaultResult::Refused;
}

libk::Result<void, Error> ProcessMemory::fork_into(ProcessMemory& child) {
  // The areas are copied after this lock is dropped: two locks of one rank never nest.
  Area areas[libk::MemoryAreas::kCapacity];
  usize count = 0;
  u64 heap_begin, brk, committed;
  bool copied;
  {
    SpinLockGuard guard(lock_);
    for (const Area& a : areas_.areas()) areas[count++] = a;
    heap_begin = heap_begin_, brk = break_, committed = committed_;
    copied = space_->copy_to(*child.space_);
    // Whatever was copied turned read-only here, also on failure: every CPU that may run a
    // thread of this process forgets its writable translations (a CR3 reload on each; the
    // user half is never global). A CPU running another address space flushes for nothing.
    tlb::shootdown_all();
  }
  if (!copied) return libk::unexpected(Error::NoMemory);
  SpinLockGuard guard(child.lock_);
  for (usize i = 0; i < count; ++i)
    VERIFY(child.areas_.insert(areas[i]).ok());  // the same disjoint set: never full
  child.heap_begin_ = heap_begin;
  child.break_ = brk;
  child.committed_ = committed;
  return {};
}

AddressSpace::Sharing ProcessMemory::sharing() {
  SpinLockGuard guard(lock_);
  return space_->sharing();
}

ProcessMemory::Stats ProcessMemory::stats() {
  SpinLockGuard guard(lock_);
  return {committed_, areas_.size(), heap_begin_, break_};
}

bool demand_fault(const hal::TrapFrame& f, u64 cr2) {
  if (f.vector != hal::exceptions::kPageFault) return false;
  if (!hal::user_mode::from_user(f) && !hal::user_mode::fixup_for(f.rip)) return false;
  if (!user_range(cr2, 1)) return false;
  AddressSpace* space = current_address_space();
  if (space == nullptr || !space->live()) return false;
  auto r =
      space->memory().fault(cr2, (f.error_code & kFaultWrite) != 0,
                            (f.error_code & kFaultFetch) != 0, (f.error_code & kFaultPresent) != 0);
  if (r == ProcessMemory::FaultResult::OutOfMemory)
    log::error("user: process {}: out of memory for the page at {:#x} ({} frames free)",
               current_pid(), cr2, pmm::stats().free_frames);
  return r == ProcessMemory::FaultResult::Mapped;
}

FaultCounts fault_counts() {
  return {zeroed_pages.load(libk::MemoryOrder::Relaxed),
          copied_pages.load(libk::MemoryOrder::Relaxed),
          reused_pages.load(libk::MemoryOrder::Relaxed)};
}

}  // namespace kernel::proc
