// The kernel's virtual address space (docs/memory.md). Fixed addresses, one place.
#pragma once

#include <boot/boot_info.hpp>

namespace kernel::layout {

// [0, 2^47): user space, unmapped for now (no identity map: null dereferences fault).

// All physical memory (and MMIO below 4 GiB), virt = phys + base. 64 TiB reserved.
inline constexpr u64 kDirectMapBase = boot::kDirectMapBase;  // 0xffff'8000'0000'0000
inline constexpr u64 kDirectMapLimit = 0xffff'c000'0000'0000ull;

// The kernel virtual area: page-granular allocations mapped on demand, each with an unmapped
// guard page below it. One 512 GiB PML4 slot per use.
inline constexpr u64 kHeapAreaBase = 0xffff'c000'0000'0000ull;   // large kmalloc blocks
inline constexpr u64 kStackAreaBase = 0xffff'c080'0000'0000ull;  // kernel stacks
inline constexpr u64 kMmioAreaBase = 0xffff'c100'0000'0000ull;   // device registers (map_mmio)
inline constexpr u64 kAreaSize = 512 * libk::GiB;

// The loader's boot stack (docs/boot-protocol.md); unmapped once the kernel runs on its own.
inline constexpr u64 kBootStackTop = boot::kBootStackTop;  // 0xffff'ff00'0001'0000

// The kernel image, linked at the top 2 GiB (-mcmodel=kernel): kernel/linker.ld.
inline constexpr u64 kKernelBase = 0xffff'ffff'8000'0000ull;

}  // namespace kernel::layout
