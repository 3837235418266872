// Boot-time physical memory before the kernel's page allocator exists: carves page-aligned
// chunks off the top of the largest Usable range of the BootInfo memory map, never frees,
// and remembers what it handed out so the real allocator can leave those pages alone.
// Pure logic (it never touches the memory it hands out); host-tested.
#pragma once

#include <boot/boot_info.hpp>
#include <libk/optional.hpp>
#include <libk/span.hpp>

namespace boot {

class EarlyAllocator {
 public:
  struct Range {
    u64 base;
    u64 length;
  };
  static constexpr usize kMaxAllocations = 32;

  constexpr EarlyAllocator() = default;

  // Picks the largest Usable range of `map` as the arena. Returns false if there is none.
  bool init(libk::Span<const MemoryRange> map);

  // `bytes` rounded up to pages, aligned to `align` (a power of two >= 4096). Physical
  // address, or nullopt when the arena or the allocation table is exhausted.
  libk::Optional<u64> allocate(u64 bytes, u64 align = libk::kPageSize);

  // Everything handed out so far (merged where contiguous).
  libk::Span<const Range> allocated() const { return {ranges_, count_}; }
  u64 bytes_allocated() const;

 private:
  u64 arena_base_ = 0;
  u64 top_ = 0;  // allocations grow down from the arena's end
  Range ranges_[kMaxAllocations] = {};
  usize count_ = 0;
};

}  // namespace boot
