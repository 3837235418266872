// Memory management bring-up, in boot order (kernel_main calls these; docs/memory.md):
//   1. init():                 pmm from the memory map, the kernel's page tables, the heap;
//   2. switch_to_kernel_stack: leave the loader's stack for a kernel stack with a guard page;
//   3. finish_boot():          copy what BootInfo points to, unmap the boot stack, reclaim
//                              boot-services and loader memory.
#pragma once

#include "memory/stacks.hpp"

namespace kernel::memory {

// Needs boot_info::set() and early_memory::init(). `debug_heap`: heap debug checks.
// Returns false after logging why; the kernel cannot go on then.
bool init(bool debug_heap);

inline constexpr u64 kBootStackSize = 64 * libk::KiB;

// Allocates the kernel's boot stack and calls next(argument) on it. Never returns.
[[noreturn]] void switch_to_kernel_stack(void (*next)(void*), void* argument);
const stacks::KernelStack& boot_stack();

// Runs on the kernel stack. After it, BootInfo and everything it points to (memory map,
// command line, modules) live in kernel memory; BootInfo::kernel_file stays where the loader
// put it, and its pages are kept out of the pool (the crash reporter reads its symbols).
void finish_boot();

// The memory summary for the log (and a later `mem` command).
void log_statistics();

}  // namespace kernel::memory
