// Kernel stacks in the kernel virtual area, each with an unmapped guard page below it: an
// overflow faults (reported as a guard-page hit) instead of corrupting the next stack.
// Threads allocate one each; the boot sequence moves onto one (memory::init).
//
// Context: any, once vm::init() ran.
#pragma once

#include <libk/optional.hpp>
#include <libk/types.hpp>

namespace kernel::stacks {

inline constexpr u64 kDefaultSize = 16 * libk::KiB;

struct KernelStack {
  u64 base;  // lowest mapped byte; the guard page is [base - 4 KiB, base)
  u64 size;  // bytes, a multiple of 4 KiB
  u64 top() const { return base + size; }  // initial rsp (16-byte aligned)
};

// `size` is rounded up to whole pages. nullopt when out of memory or address space.
libk::Optional<KernelStack> allocate(u64 size = kDefaultSize);
// Panics if `stack` is not a live stack from allocate().
void free(const KernelStack& stack);

struct Stats {
  u64 live, peak, allocated, freed, failures, bytes;
};
Stats stats();

}  // namespace kernel::stacks
