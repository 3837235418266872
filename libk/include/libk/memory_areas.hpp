// The areas of a process's user address space (docs/processes.md, "A process's memory"): a
// sorted array of non-overlapping, page-aligned ranges, each with a kind (program image,
// heap, stack, the stack's guard gap, anonymous mmap memory) and a protection. The kernel
// composes it with the process's page tables (kernel/proc/memory_areas.hpp); this part is
// pure bookkeeping and never touches the addresses.
//
// Policy:
// - insert() merges the new area with a neighbour that touches it and has the same kind and
//   protection (so brk growing the heap, or mmap placing one area right below another, does
//   not use up slots).
// - remove() cuts a range out of whatever areas it meets: an area partly inside keeps the
//   rest, one with the range in its middle splits in two (which needs a free slot: Full
//   otherwise, and nothing changes).
// - At most kCapacity areas: insert() and a splitting remove() fail with Full beyond it.
//
// O(areas) per operation. Not thread-safe: the kernel holds the process's memory lock.
#pragma once

#include <libk/optional.hpp>
#include <libk/result.hpp>
#include <libk/span.hpp>
#include <libk/string_view.hpp>

namespace libk {

enum class AreaKind : u8 { Image, Heap, Stack, Guard, Anonymous };

// Protection bits (the same values as abi::kProt*).
inline constexpr u8 kAreaRead = 1;
inline constexpr u8 kAreaWrite = 2;
inline constexpr u8 kAreaExecute = 4;

struct Area {
  u64 begin;  // page-aligned
  u64 end;    // page-aligned, > begin; exclusive
  AreaKind kind;
  u8 protection;  // kArea* bits

  constexpr bool contains(u64 address) const { return address >= begin && address < end; }
  constexpr u64 pages() const { return (end - begin) / kPageSize; }
  constexpr bool operator==(const Area&) const = default;
};

enum class AreaError : u8 {
  Misaligned,  // begin or end not page-aligned
  Empty,       // begin >= end
  Overlaps,    // insert: some page is in an area already
  Full,        // no free slot for a new area or a split
};

StringView area_error_text(AreaError e);
StringView area_kind_text(AreaKind k);

class MemoryAreas {
 public:
  static constexpr usize kCapacity = 64;

  constexpr MemoryAreas() = default;

  // Adds `area` (merging with touching neighbours of the same kind and protection).
  [[nodiscard]] Result<void, AreaError> insert(const Area& area);
  // Removes [begin, end) from every area it overlaps (splitting one if needed); returns the
  // number of pages that were in areas. Pages in no area are skipped.
  [[nodiscard]] Result<u64, AreaError> remove(u64 begin, u64 end);

  // The area holding `address`.
  Optional<Area> find(u64 address) const;
  // True if some page of [begin, end) lies in an area.
  bool overlaps(u64 begin, u64 end) const;
  // The highest page-aligned base b with [b, b + bytes) inside [low, high) and in no area;
  // nullopt if no gap is large enough. `bytes` is a multiple of the page size.
  Optional<u64> find_free_top_down(u64 bytes, u64 low, u64 high) const;

  Span<const Area> areas() const { return {areas_, count_}; }
  usize size() const { return count_; }
  // Pages in areas of `kind`.
  u64 pages(AreaKind kind) const;

  // The invariants: each area aligned and non-empty, sorted, no overlaps, no two touching
  // neighbours that insert() would have merged.
  bool check() const;

 private:
  // The index of the first area whose end is above `address`.
  usize first_ending_above(u64 address) const;
  void insert_at(usize index, const Area& area);
  void erase(usize index, usize n);

  Area areas_[kCapacity] = {};
  usize count_ = 0;
};

}  // namespace libk
