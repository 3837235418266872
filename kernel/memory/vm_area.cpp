// The kernel virtual area: page-granular blocks with guard pages (large heap blocks, kernel
// stacks) and MMIO windows. See docs/memory.md.
#include <hal/tlb.hpp>
#include <libk/utility.hpp>

#include "log.hpp"
#include "memory/kernel_tables.hpp"
#include "memory/layout.hpp"
#include "memory/vm.hpp"
#include "panic.hpp"

namespace kernel::vm {

namespace {

using detail::area_allocator;
using detail::area_counters;
using detail::kernel_tables;
using hal::paging::PageState;
using libk::kPageSize;

constexpr Permissions kData{.writable = true};

// Unmaps the pages [start, start + pages * 4 KiB) and gives their frames back. The caller
// holds the vm lock and flushes the TLB before anything can reuse the frames.
void release_pages(u64 start, u64 pages) REQUIRES(detail::vm_lock) {
  for (u64 i = 0; i < pages; ++i) {
    Translation t;
    VERIFY(kernel_tables().lookup(start + i * kPageSize, &t) == PageState::Mapped);
    pmm::free(t.physical, 0);
  }
  VERIFY(kernel_tables().unmap(start, pages * kPageSize).ok());
}

}  // namespace

libk::Optional<u64> allocate_area(Area area, u64 size, u32 guard_pages, u16 owner) {
  VERIFY(guard_pages >= 1);  // free_area finds a block's end at the next guard or hole
  IrqLockGuard guard(detail::vm_lock);
  u64 pages = libk::align_up(size, kPageSize) / kPageSize;
  if (pages == 0) return libk::nullopt;
  auto base = area_allocator(area).allocate((pages + guard_pages) * kPageSize);
  if (!base) return libk::nullopt;
  u64 start = base.value() + guard_pages * kPageSize;
  VERIFY(kernel_tables().map_guard(base.value(), guard_pages * kPageSize).ok());
  for (u64 i = 0; i < pages; ++i) {
    auto frame = pmm::allocate(0, pmm::Owner(owner));
    if (!frame || !kernel_tables().map(start + i * kPageSize, *frame, kPageSize, kData)) {
      if (frame) pmm::free(*frame, 0);
      release_pages(start, i);
      VERIFY(kernel_tables().unmap(base.value(), guard_pages * kPageSize).ok());
      hal::tlb::flush_range(base.value(), (i + guard_pages) * kPageSize);
      VERIFY(area_allocator(area).free(base.value(), (pages + guard_pages) * kPageSize).ok());
      return libk::nullopt;
    }
  }
  AreaStats& s = area_counters(area);
  ++s.blocks;
  s.mapped_bytes += pages * kPageSize;
  s.peak_blocks = libk::max(s.peak_blocks, s.blocks);
  return start;
}

u64 free_area(Area area, u64 base, u32 guard_pages) {
  IrqLockGuard guard(detail::vm_lock);
  if (!libk::is_aligned(base, kPageSize) || !area_allocator(area).contains(base) ||
      kernel_tables().lookup(base) != PageState::Mapped ||
      kernel_tables().lookup(base - kPageSize) != PageState::Guard)
    return 0;
  u64 pages = 0;
  while (kernel_tables().lookup(base + pages * kPageSize) == PageState::Mapped) ++pages;
  release_pages(base, pages);
  u64 guard_base = base - guard_pages * kPageSize;
  VERIFY(kernel_tables().unmap(guard_base, guard_pages * kPageSize).ok());
  hal::tlb::flush_range(guard_base, (pages + guard_pages) * kPageSize);
  auto r = area_allocator(area).free(guard_base, (pages + guard_pages) * kPageSize);
  if (!r)
    PANIC("vm: cannot release {:#x} in the {}: {}", base, area_name(area),
          libk::extent_error_text(r.error()));
  AreaStats& s = area_counters(area);
  --s.blocks;
  s.mapped_bytes -= pages * kPageSize;
  return pages * kPageSize;
}

namespace {

// True if every page of [begin, end) is in the direct map with the uncached memory type.
bool direct_map_uncached(u64 begin, u64 end) REQUIRES(detail::vm_lock) {
  if (end > 4 * libk::GiB) return false;
  for (u64 pa = begin; pa < end;) {
    Translation t;
    if (kernel_tables().lookup(layout::kDirectMapBase + pa, &t) != PageState::Mapped) return false;
    constexpr u64 kUc = hal::paging::kCacheDisable | hal::paging::kWriteThrough;
    if ((t.flags & kUc) != kUc) return false;
    u64 page = hal::paging::page_bytes(t.size);
    pa = libk::align_down(pa, page) + page;
  }
  return true;
}

}  // namespace

volatile void* map_mmio(u64 phys, u64 size) {
  u64 begin = libk::align_down(phys, kPageSize), end = 0;
  if (size == 0 || !libk::checked_add(phys, size, end) ||
      !libk::checked_align_up(end, kPageSize, end))
    return nullptr;
  IrqLockGuard guard(detail::vm_lock);
  if (direct_map_uncached(begin, end)) return boot_info::physical_to_virtual<volatile u8>(phys);
  auto base = area_allocator(Area::Mmio).allocate(end - begin + kPageSize);
  if (!base) return nullptr;
  u64 start = base.value() + kPageSize;
  Permissions uncached{.writable = true, .cache = Cache::Uncached};
  if (!kernel_tables().map_guard(base.value(), kPageSize) ||
      !kernel_tables().map(start, begin, end - begin, uncached)) {
    log::warn("vm: cannot map MMIO {:#x}+{:#x}", phys, size);
    (void)kernel_tables().unmap(base.value(), end - begin + kPageSize);
    VERIFY(area_allocator(Area::Mmio).free(base.value(), end - begin + kPageSize).ok());
    return nullptr;
  }
  AreaStats& s = area_counters(Area::Mmio);
  ++s.blocks;
  s.mapped_bytes += end - begin;
  s.peak_blocks = libk::max(s.peak_blocks, s.blocks);
  return reinterpret_cast<volatile u8*>(start + (phys - begin));
}

void unmap_mmio(volatile void* virt, u64 size) {
  u64 va = reinterpret_cast<u64>(virt);
  if (va >= layout::kDirectMapBase && va < layout::kDirectMapLimit) return;  // nothing was mapped
  IrqLockGuard guard(detail::vm_lock);
  u64 begin = libk::align_down(va, kPageSize);
  u64 end = libk::align_up(va + size, kPageSize);
  VERIFY(area_allocator(Area::Mmio).contains(begin));
  VERIFY(kernel_tables().unmap(begin - kPageSize, end - begin + kPageSize).ok());
  hal::tlb::flush_range(begin - kPageSize, end - begin + kPageSize);
  VERIFY(area_allocator(Area::Mmio).free(begin - kPageSize, end - begin + kPageSize).ok());
  AreaStats& s = area_counters(Area::Mmio);
  --s.blocks;
  s.mapped_bytes -= end - begin;
}

}  // namespace kernel::vm
