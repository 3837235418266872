// The x86-64 virtual address space as Ember lays it out: one table that the loader (what it
// maps), the ELF validator (where a kernel may be linked and placed), ember-elfcheck and the
// kernel (kernel/memory/layout.hpp) all read. docs/memory.md draws it.
//
// Regions are disjoint and sorted. The kernel image window is the only place a kernel may lie,
// so a kernel the validator accepts can never collide with the direct map or the boot stack
// the loader maps beside it.
#pragma once

#include <libk/optional.hpp>
#include <libk/types.hpp>

namespace boot::layout {

// [base, base + size).
struct Region {
  const char* name;
  u64 base;
  u64 size;

  constexpr bool contains(u64 address) const { return address >= base && address - base < size; }
  // [address, address + bytes) lies wholly inside, computed without overflow.
  constexpr bool contains_range(u64 address, u64 bytes) const {
    return address >= base && bytes <= size && address - base <= size - bytes;
  }
  // Some byte of [address, address + bytes) lies inside. The range may end at 2^64 (a
  // kernel segment in the window's unused top) but not wrap around it.
  constexpr bool overlaps(u64 address, u64 bytes) const {
    if (bytes == 0) return false;
    u64 last = address + (bytes - 1);
    return address <= base + (size - 1) && last >= base;
  }
};

// [0, 2^47): user space, each process's own (docs/processes.md). Nothing is mapped below
// the user image window, so null dereferences fault in user mode too.
inline constexpr Region kUserSpace{"user space", 0, 0x0000'8000'0000'0000ull};
// Where a user program's segments may lie: from 4 MiB up to 4 GiB.
inline constexpr Region kUserImage{"the user image window", 0x40'0000ull,
                                   4 * libk::GiB - 0x40'0000ull};
// The top of a process's stack: one page below the end of user space, so that the page
// holding the highest user address stays unmapped.
inline constexpr u64 kUserStackTop = 0x0000'7fff'ffff'0000ull;

// All physical memory (and MMIO below 4 GiB), virt = phys + base. 64 TiB reserved.
inline constexpr Region kDirectMap{"the direct map", 0xffff'8000'0000'0000ull, 64 * libk::TiB};

// The kernel virtual areas: page-granular allocations mapped on demand, each with an unmapped
// guard page below it. One 512 GiB PML4 slot per use.
inline constexpr u64 kAreaSize = 512 * libk::GiB;
inline constexpr Region kHeapArea{"the kernel heap area", 0xffff'c000'0000'0000ull, kAreaSize};
inline constexpr Region kStackArea{"the kernel stack area", 0xffff'c080'0000'0000ull, kAreaSize};
inline constexpr Region kMmioArea{"the MMIO area", 0xffff'c100'0000'0000ull, kAreaSize};

// The loader's boot stack, with an unmapped guard page below it (docs/boot-protocol.md).
inline constexpr u64 kBootStackTop = 0xffff'ff00'0001'0000ull;
inline constexpr u64 kBootStackSize = 64 * libk::KiB;
inline constexpr Region kBootStack{"the boot stack and its guard page",
                                   kBootStackTop - kBootStackSize - libk::kPageSize,
                                   kBootStackSize + libk::kPageSize};

// The top 2 GiB but its last 2 MiB: where the kernel image lives, at its link address or, with
// KASLR, at a random 2 MiB-aligned place inside it (boot/kaslr.hpp). The last 2 MiB stay
// unused so that no kernel range ends at 2^64, where its end address would wrap to 0.
inline constexpr Region kKernelImage{"the kernel image window", 0xffff'ffff'8000'0000ull,
                                     2 * libk::GiB - 2 * libk::MiB};

inline constexpr Region kRegions[] = {kUserSpace, kDirectMap, kHeapArea,   kStackArea,
                                      kMmioArea,  kBootStack, kKernelImage};

// The first region that `[address, address + bytes)` overlaps, if any.
constexpr libk::Optional<Region> region_overlapping(u64 address, u64 bytes) {
  for (const Region& r : kRegions)
    if (r.overlaps(address, bytes)) return r;
  return libk::nullopt;
}

}  // namespace boot::layout
