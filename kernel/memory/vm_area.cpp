// The kernel virtual area: page-granular blocks with guard pages (large heap blocks, kernel
// stacks) and MMIO windows. See docs/memory.md.
#include <hal/tlb.hpp>
#include <libk/fixed_vector.hpp>
#include <libk/utility.hpp>

#include "cpu/tlb.hpp"
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

// Freed blocks are purged lazily: a free clears the block's page-table entries and flushes
// this CPU's TLB, but the frames and the address range wait in this list until one batched
// shootdown has made every CPU forget them. Another CPU may still hold a translation of the
// block until then, so neither may be reused before. One shootdown per batch instead of one
// per free: creating and joining threads on several CPUs would otherwise cost an IPI round
// to every CPU per thread. (Linux's vmalloc purges its unmapped areas the same way.)
constexpr usize kMaxRetiredRanges = 64;
constexpr usize kMaxRetiredFrames = 1024;  // 4 MiB held back at most

struct RetiredRange {
  Area area;
  u64 base;  // with its guard pages
  u64 size;
};
constinit libk::FixedVector<RetiredRange, kMaxRetiredRanges> retired_ranges
    GUARDED_BY(detail::vm_lock);
constinit u64 retired_frames[kMaxRetiredFrames] GUARDED_BY(detail::vm_lock) = {};
constinit usize retired_frame_count GUARDED_BY(detail::vm_lock) = 0;
constinit u64 purges GUARDED_BY(detail::vm_lock) = 0;

// Every CPU forgets the retired blocks; their frames and ranges become free.
void purge_locked() REQUIRES(detail::vm_lock) {
  if (retired_ranges.empty() && retired_frame_count == 0) return;
  tlb::shootdown_all();
  for (usize i = 0; i < retired_frame_count; ++i) pmm::free(retired_frames[i], 0);
  retired_frame_count = 0;
  for (const RetiredRange& r : retired_ranges)
    if (auto freed = area_allocator(r.area).free(r.base, r.size); !freed)
      PANIC("vm: cannot release {:#x} in the {}: {}", r.base, area_name(r.area),
            libk::extent_error_text(freed.error()));
  retired_ranges.clear();
  ++purges;
}

// Unmaps the pages [start, start + pages * 4 KiB) and holds their frames back for the next
// purge (purging first whenever the list is full). This CPU's TLB is flushed for them.
void retire_pages(u64 start, u64 pages) REQUIRES(detail::vm_lock) {
  for (u64 i = 0; i < pages; ++i) {
    u64 va = start + i * kPageSize;
    Translation t;
    VERIFY(kernel_tables().lookup(va, &t) == PageState::Mapped);
    VERIFY(kernel_tables().unmap(va, kPageSize).ok());
    hal::tlb::flush_page(va);
    if (retired_frame_count == kMaxRetiredFrames) purge_locked();
    retired_frames[retired_frame_count++] = t.physical;
  }
}

// Holds an address range (its pages already retired) back for the next purge.
void retire_range(Area area, u64 base, u64 size) REQUIRES(detail::vm_lock) {
  if (retired_ranges.full()) purge_locked();
  bool added = retired_ranges.push_back({area, base, size});
  VERIFY(added);  // the purge emptied it
}

// Maps `pages` fresh frames at `start`; false (with nothing mapped) when out of frames.
bool map_fresh_pages(u64 start, u64 pages, u16 owner) REQUIRES(detail::vm_lock) {
  for (u64 i = 0; i < pages; ++i) {
    auto frame = pmm::allocate(0, pmm::Owner(owner));
    if (frame && kernel_tables().map(start + i * kPageSize, *frame, kPageSize, kData)) continue;
    if (frame) pmm::free(*frame, 0);
    retire_pages(start, i);
    purge_locked();  // gives the frames straight back
    return false;
  }
  return true;
}

libk::Optional<u64> try_allocate_area(Area area, u64 pages, u32 guard_pages, u16 owner)
    REQUIRES(detail::vm_lock) {
  auto base = area_allocator(area).allocate((pages + guard_pages) * kPageSize);
  if (!base) return libk::nullopt;
  u64 start = base.value() + guard_pages * kPageSize;
  VERIFY(kernel_tables().map_guard(base.value(), guard_pages * kPageSize).ok());
  if (!map_fresh_pages(start, pages, owner)) {
    VERIFY(kernel_tables().unmap(base.value(), guard_pages * kPageSize).ok());
    VERIFY(area_allocator(area).free(base.value(), (pages + guard_pages) * kPageSize).ok());
    return libk::nullopt;
  }
  return start;
}

}  // namespace

libk::Optional<u64> allocate_area(Area area, u64 size, u32 guard_pages, u16 owner) {
  VERIFY(guard_pages >= 1);  // free_area finds a block's end at the next guard or hole
  SpinLockGuard guard(detail::vm_lock);
  u64 pages = libk::align_up(size, kPageSize) / kPageSize;
  if (pages == 0) return libk::nullopt;
  auto start = try_allocate_area(area, pages, guard_pages, owner);
  if (!start) {  // retired blocks may hold what is missing
    purge_locked();
    start = try_allocate_area(area, pages, guard_pages, owner);
    if (!start) return libk::nullopt;
  }
  AreaStats& s = area_counters(area);
  ++s.blocks;
  s.mapped_bytes += pages * kPageSize;
  s.peak_blocks = libk::max(s.peak_blocks, s.blocks);
  return start;
}

u64 free_area(Area area, u64 base, u32 guard_pages) {
  SpinLockGuard guard(detail::vm_lock);
  if (!libk::is_aligned(base, kPageSize) || !area_allocator(area).contains(base) ||
      kernel_tables().lookup(base) != PageState::Mapped ||
      kernel_tables().lookup(base - kPageSize) != PageState::Guard)
    return 0;
  u64 pages = 0;
  while (kernel_tables().lookup(base + pages * kPageSize) == PageState::Mapped) ++pages;
  retire_pages(base, pages);
  u64 guard_base = base - guard_pages * kPageSize;
  VERIFY(kernel_tables().unmap(guard_base, guard_pages * kPageSize).ok());
  retire_range(area, guard_base, (pages + guard_pages) * kPageSize);
  AreaStats& s = area_counters(area);
  --s.blocks;
  s.mapped_bytes -= pages * kPageSize;
  return pages * kPageSize;
}

void purge() {
  SpinLockGuard guard(detail::vm_lock);
  purge_locked();
}

u64 purges_done() {
  SpinLockGuard guard(detail::vm_lock);
  return purges;
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
  SpinLockGuard guard(detail::vm_lock);
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
  SpinLockGuard guard(detail::vm_lock);
  u64 begin = libk::align_down(va, kPageSize);
  u64 end = libk::align_up(va + size, kPageSize);
  VERIFY(area_allocator(Area::Mmio).contains(begin));
  VERIFY(kernel_tables().unmap(begin - kPageSize, end - begin + kPageSize).ok());
  tlb::shootdown(begin - kPageSize, end - begin + kPageSize);
  VERIFY(area_allocator(Area::Mmio).free(begin - kPageSize, end - begin + kPageSize).ok());
  AreaStats& s = area_counters(Area::Mmio);
  --s.blocks;
  s.mapped_bytes -= end - begin;
}

}  // namespace kernel::vm
