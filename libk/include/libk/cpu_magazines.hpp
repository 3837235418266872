// libk::CpuMagazines: one CPU's stacks of free objects in front of a SlabHeap's caches (the
// "magazine" layer of Bonwick and Adams, "Magazines and Vmem", USENIX 2001). kmalloc and
// kfree on a CPU pop and push its own magazine without touching the shared heap or its lock;
// only an empty magazine (refill: half a magazine from the slab cache) or a full one (flush:
// the older half back to the slabs) takes the heap lock. The owner keeps one CpuMagazines
// per CPU and guards each with that CPU's lock (kernel/memory/heap.cpp), so another CPU can
// drain it (trim).
//
// Statistics stay exact: the slab caches count objects handed to a magazine as allocated,
// so what callers allocated is the slab's count minus what magazines took plus what they
// served (merge_stats).
#pragma once

#include <libk/slab.hpp>
#include <libk/types.hpp>

namespace libk {

class CpuMagazines {
 public:
  static constexpr u32 kCapacity = 16;
  static constexpr u32 kBatch = kCapacity / 2;  // objects moved per refill or flush

  constexpr CpuMagazines() = default;

  // An object of size class `cls`, or nullptr when the magazine is empty (refill, then ask
  // again). No lock but the owner's.
  void* pop(usize cls) {
    Magazine& m = magazines_[cls];
    if (m.count == 0) return nullptr;
    ++m.served;
    return m.objects[--m.count];
  }

  // Keeps `object` (of class `cls`); false when the magazine is full (flush first).
  [[nodiscard]] bool push(usize cls, void* object) {
    Magazine& m = magazines_[cls];
    if (m.count == kCapacity) return false;
    ++m.taken_back;
    m.objects[m.count++] = object;
    return true;
  }

  // Moves up to kBatch objects from `cache` (class `cls`) into the magazine. Returns how
  // many; 0 with the cache's fault when it could give none (out of memory). The caller
  // holds the lock that guards `cache`.
  Result<u32, HeapFault> refill(usize cls, SlabCache& cache) {
    Magazine& m = magazines_[cls];
    u32 moved = 0;
    while (moved < kBatch && m.count < kCapacity) {
      auto r = cache.allocate();
      if (!r) {
        if (moved == 0) return unexpected(r.error());
        break;
      }
      m.objects[m.count++] = r.value();
      ++moved;
    }
    m.from_slabs += moved;
    return moved;
  }

  // Returns the `count` oldest objects of class `cls` (all: count >= the number held) to
  // their slabs. The caller holds the lock that guards the slab caches.
  Result<void, HeapFault> flush(usize cls, u32 count) {
    Magazine& m = magazines_[cls];
    if (count > m.count) count = m.count;
    for (u32 i = 0; i < count; ++i) {
      auto r = SlabCache::free(m.objects[i]);
      if (!r) return unexpected(r.error());
    }
    for (u32 i = count; i < m.count; ++i) m.objects[i - count] = m.objects[i];
    m.count -= count;
    m.to_slabs += count;
    return {};
  }

  Result<void, HeapFault> flush_all() {
    for (usize cls = 0; cls < SlabHeap::kClassCount; ++cls) TRY(flush(cls, kCapacity));
    return {};
  }

  u32 held(usize cls) const { return magazines_[cls].count; }

  // Corrects a slab cache's statistics (class `cls`) for what this magazine did: objects it
  // holds are free, not in use; its pops and pushes are the callers' allocations and frees,
  // its refills and flushes are not.
  void merge_stats(usize cls, SlabStats& stats) const {
    const Magazine& m = magazines_[cls];
    stats.in_use -= m.count;
    stats.allocations = stats.allocations - m.from_slabs + m.served;
    stats.frees = stats.frees - m.to_slabs + m.taken_back;
  }

 private:
  struct Magazine {
    void* objects[kCapacity] = {};
    u32 count = 0;
    u64 served = 0;      // pops: allocations the callers made here
    u64 taken_back = 0;  // pushes: frees the callers made here
    u64 from_slabs = 0;  // objects refills took from the slab cache
    u64 to_slabs = 0;    // objects flushes returned to it
  };
  Magazine magazines_[SlabHeap::kClassCount];
};

}  // namespace libk
