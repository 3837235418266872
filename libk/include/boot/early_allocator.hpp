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

  constexpr EarlyAllocator() = default;

  // Picks the largest Usable range of `map` as the arena. Returns false if there is none.
  [[nodiscard]] bool init(libk::Span<const MemoryRange> map);

  // `bytes` rounded up to pages, aligned to `align` (a power of two >= 4096). Physical
  // address, or nullopt when the arena is exhausted.
  libk::Optional<u64> allocate(u64 bytes, u64 align = libk::kPageSize);

  // Everything handed out so far, alignment padding included. Allocations grow down from
  // the arena's end without gaps, so this is one range (or none before the first).
  libk::Span<const Range> allocated() const {
    return used_.length ? libk::Span<const Range>(&used_, 1) : libk::Span<const Range>();
  }
  u64 bytes_allocated() const { return used_.length; }

 private:
  u64 arena_base_ = 0;
  Range used_ = {0, 0};  // [used_.base, arena end): handed out; used_.base is the top of free
};

}  // namespace boot
