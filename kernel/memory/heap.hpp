// The kernel heap (docs/memory.md): kmalloc-style allocation with explicit failure.
//   - up to 4 KiB: libk::SlabHeap size classes, slabs of 32 KiB from pmm via the direct map;
//   - larger: whole pages in the kernel virtual area (vm::Area::Heap), each block with an
//     unmapped guard page below it, so running off the end of one hits the next one's guard.
// Debug checks (on unless the build is `release`, or as `heap=debug|fast` on the command
// line): poison on free, redzones, double-free and foreign-pointer detection; a failed check
// panics naming the pointer, the cache and the problem.
//
// operator new panics when memory runs out; `new (kernel::heap::nothrow) T(...)` returns
// nullptr instead.
//
// Without debug checks each CPU keeps a few free objects per size class (magazines), so
// kmalloc/kfree on different CPUs do not contend on one lock (docs/memory.md).
//
// Context: any, once init() ran (interrupts are disabled inside).
#pragma once

#include <libk/slab.hpp>
#include <libk/span.hpp>

namespace kernel::heap {

void init(bool debug);
bool debug_checks();

// `size` bytes, 16-byte aligned (page-aligned above 4 KiB); nullptr when out of memory.
[[nodiscard]] void* allocate(usize size);
[[nodiscard]] void* allocate_zeroed(usize size);
// Frees what allocate() returned; nullptr is ignored. A foreign pointer, a double free or a
// corrupted block is a kernel panic.
void free(void* pointer);

// Returns every CPU's cached objects and then empty slabs to pmm.
void trim();

struct LargeStats {
  u64 live_blocks, live_bytes, peak_bytes, allocations, frees, failures;
};
LargeStats large_stats();
// The size-class caches (names, sizes); their own statistics count objects that CPUs keep
// in their magazines as in use. cache_stats() has the callers' view: exact when no other CPU
// allocates meanwhile.
libk::Span<const libk::SlabCache> caches();
libk::SlabStats cache_stats(usize cls);
// O(objects): every cache's consistency walk.
const char* check_invariants();

struct NoThrow {};
inline constexpr NoThrow nothrow{};

}  // namespace kernel::heap

// kmalloc/kfree: the names other kernels use, for readers coming from them.
[[nodiscard]] inline void* kmalloc(usize size) { return kernel::heap::allocate(size); }
inline void kfree(void* pointer) { kernel::heap::free(pointer); }

void* operator new(usize size, const kernel::heap::NoThrow&) noexcept;
void* operator new[](usize size, const kernel::heap::NoThrow&) noexcept;
