#include "memory/heap.hpp"

#include <libk/cpu_magazines.hpp>
#include <libk/utility.hpp>

#include "boot.hpp"
#include "cpu/percpu.hpp"
#include "memory/layout.hpp"
#include "memory/pmm.hpp"
#include "memory/vm.hpp"
#include "panic.hpp"
#include "sync/spinlock.hpp"

namespace kernel::heap {

namespace {

using libk::SlabCache;

// Slabs come from pmm as naturally aligned 32 KiB blocks, reached through the direct map
// (which is 1 GiB-aligned, so the alignment carries over to the virtual address).
class PmmSlabs final : public libk::SlabPageSource {
 public:
  constexpr PmmSlabs() = default;
  void* allocate_slab() override {
    auto block = pmm::allocate(kOrder, pmm::Owner::Slab);
    return block ? boot_info::physical_to_virtual<void>(*block) : nullptr;
  }
  void free_slab(void* slab) override {
    pmm::free(reinterpret_cast<u64>(slab) - layout::kDirectMapBase, kOrder);
  }

  static constexpr u32 kOrder = 3;  // 32 KiB
  static_assert((libk::kPageSize << kOrder) == SlabCache::kSlabBytes);
};

// Lock order: heap before pmm (a slab cache refills from pmm with the heap lock held).
constinit SpinLock heap_lock{"heap", lock_rank::kHeap};
constinit PmmSlabs slabs;
constinit libk::SlabHeap small GUARDED_BY(heap_lock);
constinit bool debug = false;
constinit LargeStats large GUARDED_BY(heap_lock) = {};

// Without debug checks, small objects come and go through the running CPU's magazines
// (libk/cpu_magazines.hpp): its own lock, uncontended unless trim() or cache_stats() visit
// from another CPU, and the shared heap lock only to refill or flush half a magazine. Debug
// checks need every free to reach the slab (double frees, poison), so they bypass them.
struct CpuHeap {
  SpinLock lock{"heap-cpu", lock_rank::kHeapCpu};
  libk::CpuMagazines magazines GUARDED_BY(lock);
};
constinit PerCpu<CpuHeap> cpu_heaps;

// The size class of a cache of `small` (whose caches never move).
usize class_of(const libk::SlabCache* cache) NO_THREAD_SAFETY_ANALYSIS {
  return usize(cache - small.caches().data());
}

bool in_heap_area(u64 address) {
  return address >= layout::kHeapAreaBase && address - layout::kHeapAreaBase < layout::kAreaSize;
}

[[noreturn]] void report(const libk::HeapFault& f) {
  const char* cache = f.cache ? f.cache->name() : "no cache";
  if (f.error == libk::HeapError::RedzoneOverwritten || f.error == libk::HeapError::WriteAfterFree)
    PANIC("heap: {}: object {:p}, byte {} ({})", libk::heap_error_text(f.error), f.pointer,
          f.offset, cache);
  PANIC("heap: {}: {:p} ({})", libk::heap_error_text(f.error), f.pointer, cache);
}

void* allocate_large(usize size) {
  auto block = vm::allocate_area(vm::Area::Heap, size, 1, u16(pmm::Owner::HeapLarge));
  SpinLockGuard guard(heap_lock);
  if (!block) {
    ++large.failures;
    return nullptr;
  }
  ++large.allocations;
  ++large.live_blocks;
  large.live_bytes += libk::align_up(size, libk::kPageSize);
  large.peak_bytes = libk::max(large.peak_bytes, large.live_bytes);
  return reinterpret_cast<void*>(*block);
}

void free_large(void* pointer) {
  u64 bytes = vm::free_area(vm::Area::Heap, reinterpret_cast<u64>(pointer), 1);
  if (bytes == 0) PANIC("heap: double free or not the start of a large block: {:p}", pointer);
  SpinLockGuard guard(heap_lock);
  ++large.frees;
  --large.live_blocks;
  large.live_bytes -= bytes;
}

// Preemption may move the caller to another CPU after it picked a CpuHeap: it then uses
// that CPU's magazines under their lock, which is correct, only not local.
void* allocate_cached(usize size) {
  usize cls = libk::SlabHeap::class_index(size);
  CpuHeap& h = cpu_heaps.local();
  SpinLockGuard guard(h.lock);
  if (void* p = h.magazines.pop(cls)) return p;
  {
    SpinLockGuard heap(heap_lock);
    auto r = h.magazines.refill(cls, small.cache(cls));
    if (!r) {
      if (r.error().error != libk::HeapError::OutOfMemory) report(r.error());
      return nullptr;
    }
  }
  return h.magazines.pop(cls);
}

void free_cached(void* pointer) {
  const libk::SlabCache* owner = libk::SlabCache::owner(pointer);
  if (owner == nullptr) report({libk::HeapError::ForeignPointer, pointer, nullptr, 0});
  usize cls = class_of(owner);
  CpuHeap& h = cpu_heaps.local();
  SpinLockGuard guard(h.lock);
  if (h.magazines.push(cls, pointer)) return;
  {
    SpinLockGuard heap(heap_lock);
    auto r = h.magazines.flush(cls, libk::CpuMagazines::kBatch);
    if (!r) report(r.error());
  }
  VERIFY(h.magazines.push(cls, pointer));  // half of it is free now
}

void* allocate_small(usize size) {
  if (!debug) return allocate_cached(size);
  SpinLockGuard guard(heap_lock);
  auto r = small.allocate(size);
  if (r) return r.value();
  if (r.error().error != libk::HeapError::OutOfMemory) report(r.error());
  return nullptr;
}

}  // namespace

void init(bool debug_checks) {
  debug = debug_checks;
  SpinLockGuard guard(heap_lock);
  small.init(slabs, debug_checks);
}

bool debug_checks() { return debug; }

void* allocate(usize size) {
  if (size > libk::SlabHeap::kMaxSmall) return allocate_large(size);
  return allocate_small(size);
}

void* allocate_zeroed(usize size) {
  void* p = allocate(size);
  if (p) __builtin_memset(p, 0, size);
  return p;
}

void free(void* pointer) {
  if (!pointer) return;
  if (in_heap_area(reinterpret_cast<u64>(pointer))) return free_large(pointer);
  u64 address = reinterpret_cast<u64>(pointer);
  // Slab headers live in the direct map; anything else cannot be a heap object (and
  // reading its would-be header could fault). Debug mode also asks pmm whether the 32 KiB
  // block around it is a live slab before reading its header: any pointer is safe then.
  if (address < layout::kDirectMapBase ||
      address >= layout::kDirectMapBase + boot_info::get().direct_map_size)
    report({libk::HeapError::ForeignPointer, pointer, nullptr, 0});
  u64 slab = libk::align_down(address - layout::kDirectMapBase, SlabCache::kSlabBytes);
  if (debug && !pmm::is_allocated(slab, PmmSlabs::kOrder, pmm::Owner::Slab))
    report({libk::HeapError::ForeignPointer, pointer, nullptr, 0});
  if (!debug) return free_cached(pointer);
  SpinLockGuard guard(heap_lock);
  auto r = libk::SlabHeap::free(pointer);
  if (!r) report(r.error());
}

void trim() {
  for (u32 i = 0; i < kMaxCpus; ++i) {
    CpuHeap& h = cpu_heaps.of(i);
    SpinLockGuard guard(h.lock);
    SpinLockGuard heap(heap_lock);
    auto r = h.magazines.flush_all();
    if (!r) report(r.error());
  }
  SpinLockGuard guard(heap_lock);
  small.trim();
}

libk::SlabStats cache_stats(usize cls) {
  libk::SlabStats stats;
  {
    SpinLockGuard guard(heap_lock);
    stats = small.caches()[cls].stats();
  }
  // Unsigned arithmetic: the corrections may pass through "negative" values on the way.
  for (u32 i = 0; i < kMaxCpus; ++i) {
    CpuHeap& h = cpu_heaps.of(i);
    SpinLockGuard guard(h.lock);
    h.magazines.merge_stats(cls, stats);
  }
  return stats;
}

LargeStats large_stats() {
  SpinLockGuard guard(heap_lock);
  return large;
}

// The caches live as long as the kernel; their counters are read without the lock, as a
// snapshot for statistics (`mem`).
libk::Span<const libk::SlabCache> caches() NO_THREAD_SAFETY_ANALYSIS { return small.caches(); }

const char* check_invariants() {
  SpinLockGuard guard(heap_lock);
  return small.check_invariants();
}

}  // namespace kernel::heap
