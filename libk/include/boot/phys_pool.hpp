// From the BootInfo memory map to the physical page allocator's pool: which spans of
// physical memory the buddy allocator manages (sections), and which page ranges of a given
// memory type are free once the ranges still in use (exclusions) are cut out.
// Pure logic; host-tested with malformed and edge-case maps.
#pragma once

#include <boot/boot_info.hpp>
#include <libk/buddy.hpp>
#include <libk/result.hpp>
#include <libk/span.hpp>

namespace boot {

struct PhysRange {
  u64 base;
  u64 length;
  u64 end() const { return base + length; }
};

// Memory the page allocator manages now or later: free RAM, and RAM that is freed once the
// kernel is done with the firmware, the loader's handoff and the ACPI tables.
constexpr bool is_poolable(MemoryType t) {
  return t == MemoryType::Usable || t == MemoryType::BootServices ||
         t == MemoryType::LoaderReclaimable || t == MemoryType::AcpiReclaimable;
}

// Sections for the buddy allocator covering every poolable range of `map` (page-aligned
// inward). Runs of poolable memory closer than `max_gap` bytes share a section (the frames
// in between stay reserved: a little metadata instead of another section); if that still
// yields more sections than `out` holds, the gap is doubled until it fits. Returns the
// number of sections written (0 if the map has no poolable memory).
usize plan_sections(libk::Span<const MemoryRange> map, u64 max_gap,
                    libk::Span<libk::BuddyAllocator::Section> out);

// Cuts `exclusions` (any order, may overlap, widened outward to whole pages) out of `range`
// (narrowed inward to whole pages). Writes the remaining pieces in address order to `out`
// and returns how many there are; pieces beyond out.size() are counted but not written.
usize subtract_ranges(PhysRange range, libk::Span<const PhysRange> exclusions,
                      libk::Span<PhysRange> out);

// Calls fn(PhysRange) for each page range of `map` whose type is `type`, minus exclusions.
template <typename Fn>
void for_each_free_range(libk::Span<const MemoryRange> map, MemoryType type,
                         libk::Span<const PhysRange> exclusions, Fn&& fn) {
  constexpr usize kBatch = 8;
  for (const MemoryRange& r : map) {
    if (r.type != type) continue;
    u64 from = r.base;
    for (;;) {  // in batches: a range may be cut into more pieces than one batch holds
      PhysRange pieces[kBatch];
      usize total = subtract_ranges({from, r.end() - from}, exclusions, pieces);
      for (usize i = 0; i < total && i < kBatch; ++i) fn(pieces[i]);
      if (total <= kBatch) break;
      from = pieces[kBatch - 1].end();
    }
  }
}

}  // namespace boot
