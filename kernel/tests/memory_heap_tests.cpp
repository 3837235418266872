// In-kernel tests of the kernel heap: slab classes, large blocks, new/delete, statistics,
// the 100k-operation stress, and (manual) the debug checks' panics.
#include <libk/utility.hpp>

#include "boot.hpp"
#include "ktest.hpp"
#include "memory/heap.hpp"
#include "memory/layout.hpp"
#include "memory/pmm.hpp"
#include "memory/vm.hpp"

namespace kernel {

namespace {

struct Counted {
  static inline constinit int alive = 0;
  u64 payload[5];
  Counted() : payload{1, 2, 3, 4, 5} { ++alive; }
  ~Counted() { --alive; }
};

// xorshift64: deterministic, no state outside the test.
u64 next_random(u64& s) {
  s ^= s << 13;
  s ^= s >> 7;
  s ^= s << 17;
  return s;
}

struct Baseline {
  u64 free_frames, slab_in_use, large_blocks;
  static Baseline take() {
    heap::trim();
    vm::purge();  // freed blocks' frames wait for a purge
    u64 in_use = 0;
    for (usize i = 0; i < heap::caches().size(); ++i) in_use += heap::cache_stats(i).in_use;
    return {pmm::stats().free_frames, in_use, heap::large_stats().live_blocks};
  }
};

}  // namespace

KTEST("memory.heap.sizes_alignment_and_placement") {
  constexpr usize kSizes[] = {1, 16, 17, 100, 512, 4096, 4097, 64 * 1024, 1024 * 1024};
  for (usize size : kSizes) {
    auto* p = static_cast<u8*>(heap::allocate(size));
    if (!KEXPECT(p != nullptr)) continue;
    u64 address = reinterpret_cast<u64>(p);
    KEXPECT(libk::is_aligned(address, 16));
    bool large = size > libk::SlabHeap::kMaxSmall;
    KEXPECT_EQ(
        address >= layout::kHeapAreaBase && address < layout::kHeapAreaBase + layout::kAreaSize,
        large);
    if (large) KEXPECT(vm::lookup(address - libk::kPageSize) == hal::paging::PageState::Guard);
    __builtin_memset(p, 0x5a, size);
    KEXPECT(p[0] == 0x5a && p[size - 1] == 0x5a);
    heap::free(p);
  }
  heap::free(nullptr);  // allowed, does nothing
}

KTEST("memory.heap.zeroed") {
  auto* p = static_cast<u8*>(heap::allocate_zeroed(300));
  if (!KEXPECT(p != nullptr)) return;
  bool zero = true;
  for (int i = 0; i < 300; ++i) zero &= p[i] == 0;
  KEXPECT(zero);
  heap::free(p);
}

KTEST("memory.heap.new_and_delete") {
  Counted* one = new Counted;
  KEXPECT_EQ(Counted::alive, 1);
  KEXPECT_EQ(one->payload[4], u64{5});
  delete one;
  Counted* many = new Counted[10];
  KEXPECT_EQ(Counted::alive, 10);
  delete[] many;
  Counted* maybe = new (heap::nothrow) Counted;
  if (KEXPECT(maybe != nullptr)) delete maybe;
  KEXPECT_EQ(Counted::alive, 0);
}

KTEST("memory.heap.statistics_per_cache") {
  usize cls = libk::SlabHeap::class_index(48);
  const libk::SlabCache& c48 = heap::caches()[cls];
  // Without debug checks kmalloc goes through this CPU's magazines; cache_stats merges them.
  libk::SlabStats before = heap::cache_stats(cls);
  void* objects[40];  // more than a CPU's magazine holds: refills and flushes happen
  for (void*& p : objects) p = kmalloc(40);
  KEXPECT_EQ(heap::cache_stats(cls).in_use, before.in_use + 40);
  KEXPECT_EQ(heap::cache_stats(cls).allocations, before.allocations + 40);
  KEXPECT(libk::StringView(c48.name()) == "kmalloc-48");
  for (void* p : objects) kfree(p);
  libk::SlabStats after = heap::cache_stats(cls);
  KEXPECT_EQ(after.in_use, before.in_use);
  KEXPECT_EQ(after.frees, before.frees + 40);
}

// Blocks taken to run pmm nearly dry, chained through their own first bytes.
struct Hoard {
  u64 head = 0;
  void take_all_but(u64 frames_left) {
    for (i32 order = libk::BuddyAllocator::kMaxOrder; order >= 0; --order)
      while (pmm::stats().free_frames >= frames_left + (u64{1} << order)) {
        auto b = pmm::allocate(u32(order), pmm::Owner::Test);
        if (!b) break;
        boot_info::physical_to_virtual<u64>(*b)[0] = head;
        boot_info::physical_to_virtual<u64>(*b)[1] = u64(order);
        head = *b;
      }
  }
  void give_back() {
    while (head) {
      u64* block = boot_info::physical_to_virtual<u64>(head);
      u64 next = block[0];
      pmm::free(head, u32(block[1]));
      head = next;
    }
  }
};

KTEST("memory.heap.failure_is_explicit") {
  Baseline before = Baseline::take();
  KEXPECT(heap::allocate(u64{1} << 40) == nullptr);  // more than the heap area
  // Not enough frames for a 64 KiB block: the pages mapped so far are rolled back.
  Hoard hoard;
  hoard.take_all_but(8);
  KEXPECT(heap::allocate(64 * libk::KiB) == nullptr);
  KEXPECT_EQ(pmm::stats().free_frames, u64{8});
  hoard.give_back();
  KEXPECT(heap::large_stats().failures >= 2);
  Baseline after = Baseline::take();
  KEXPECT_EQ(after.free_frames, before.free_frames);
  KEXPECT_EQ(after.large_blocks, before.large_blocks);
  void* works_again = heap::allocate(64 * libk::KiB);
  KEXPECT(works_again != nullptr);
  heap::free(works_again);
}

// 100k random allocations and frees of mixed sizes (mostly slab sizes, 1% large blocks);
// each object carries a pattern checked at free. Ends with every statistic at its baseline.
KTEST("memory.heap.stress_100k") {
  constexpr usize kSlots = 2048;
  static constinit u8* objects[kSlots] = {};
  static constinit u32 sizes[kSlots] = {};
  Baseline before = Baseline::take();
  u64 seed = 0x9e37'79b9'7f4a'7c15ull;
  u64 operations = 0, failures = 0;
  for (; operations < 100'000; ++operations) {
    u64 r = next_random(seed);
    usize slot = r % kSlots;
    if (objects[slot]) {
      u8 tag = u8(slot);
      if (objects[slot][0] != tag || objects[slot][sizes[slot] - 1] != tag) ++failures;
      heap::free(objects[slot]);
      objects[slot] = nullptr;
      continue;
    }
    u32 size = (r >> 16) % 100 == 0 ? 4097 + u32((r >> 24) % 60000) : 1 + u32((r >> 24) % 2048);
    objects[slot] = static_cast<u8*>(heap::allocate(size));
    if (!objects[slot]) {
      ++failures;
      continue;
    }
    sizes[slot] = size;
    objects[slot][0] = objects[slot][size - 1] = u8(slot);
  }
  KEXPECT_EQ(failures, u64{0});
  const char* problem = heap::check_invariants();
  KEXPECT_EQ(libk::StringView(problem ? problem : "ok"), libk::StringView("ok"));
  for (usize i = 0; i < kSlots; ++i) {
    heap::free(objects[i]);
    objects[i] = nullptr;
  }
  Baseline after = Baseline::take();
  KEXPECT_EQ(after.slab_in_use, before.slab_in_use);
  KEXPECT_EQ(after.large_blocks, before.large_blocks);
  KEXPECT_EQ(after.free_frames, before.free_frames);
}

// Deliberate misuse: each must end in a panic naming the problem (tests/qemu checks it).
KTEST_MANUAL("memory.heap.double_free") {
  void* p = kmalloc(40);
  void* keep = kmalloc(40);  // keeps the slab in use
  kfree(p);
  kfree(p);
  KEXPECT(keep == nullptr);  // not reached: the second kfree panics
}

KTEST_MANUAL("memory.heap.overrun") {
  auto* p = static_cast<u8*>(kmalloc(40));
  p[40] = 0;  // one byte past the end: the redzone
  kfree(p);
  KEXPECT(p == nullptr);  // not reached
}

KTEST_MANUAL("memory.heap.foreign_pointer") {
  static u64 not_from_the_heap[4];
  kfree(not_from_the_heap);
  KEXPECT(false);  // not reached
}

// A page of RAM that is not a slab, through the direct map (checked with pmm in debug mode).
KTEST_MANUAL("memory.heap.foreign_direct_map_pointer") {
  auto frame = pmm::allocate(0, pmm::Owner::Test);
  if (!KEXPECT(frame.has_value())) return;
  kfree(boot_info::physical_to_virtual<u8>(*frame) + 64);
  KEXPECT(false);  // not reached
}

}  // namespace kernel
