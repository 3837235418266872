// The kernel's virtual address space (docs/memory.md): the names the kernel uses for the
// regions boot/address_space.hpp lays out, the one table the loader and the ELF validator
// also read.
#pragma once

#include <boot/address_space.hpp>

namespace kernel::layout {

// [0, 2^47): user space, unmapped for now (no identity map: null dereferences fault).

// All physical memory (and MMIO below 4 GiB), virt = phys + base.
inline constexpr u64 kDirectMapBase = boot::layout::kDirectMap.base;  // 0xffff'8000'0000'0000
inline constexpr u64 kDirectMapLimit = kDirectMapBase + boot::layout::kDirectMap.size;

// The kernel virtual areas: page-granular allocations mapped on demand, each with an unmapped
// guard page below it.
inline constexpr u64 kHeapAreaBase = boot::layout::kHeapArea.base;    // large kmalloc blocks
inline constexpr u64 kStackAreaBase = boot::layout::kStackArea.base;  // kernel stacks
inline constexpr u64 kMmioAreaBase = boot::layout::kMmioArea.base;    // device registers
inline constexpr u64 kAreaSize = boot::layout::kAreaSize;

// The loader's boot stack; unmapped once the kernel runs on its own.
inline constexpr u64 kBootStackTop = boot::layout::kBootStackTop;  // 0xffff'ff00'0001'0000

// The window the kernel image lives in: the top 2 GiB.
inline constexpr u64 kKernelWindowBase = boot::layout::kKernelImage.base;

}  // namespace kernel::layout
