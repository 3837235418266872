// libFuzzer harness for the memory allocators (libk/buddy.hpp, libk/slab.hpp,
// libk/extent_allocator.hpp): the input is a sequence of operations, including bogus frees.
// After every few operations the full invariant checks run; any broken invariant, any error
// where success was due (or the reverse) traps. At the end everything is freed and the
// allocators must be back to their initial state.
#include <cstdlib>
#include <cstring>
#include <map>
#include <set>
#include <vector>

#include <libk/buddy.hpp>
#include <libk/extent_allocator.hpp>
#include <libk/slab.hpp>

namespace {

#define CHECK(cond)                \
  do {                             \
    if (!(cond)) __builtin_trap(); \
  } while (0)

class Input {
 public:
  Input(const u8* data, usize size) : data_(data), size_(size) {}
  bool empty() const { return pos_ >= size_; }
  u8 byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  u32 u16le() { return byte() | (u32(byte()) << 8); }

 private:
  const u8* data_;
  usize size_, pos_ = 0;
};

constexpr u64 MiB = 1 << 20;

void fuzz_buddy(Input& in) {
  using libk::BuddyAllocator;
  // Two sections with awkward sizes; the pool gets three ranges with a reserved hole.
  BuddyAllocator::Section sections[] = {{1 * MiB, 9 * MiB + 12288}, {4096ull * MiB, 6 * MiB}};
  std::vector<u64> metadata(BuddyAllocator::metadata_bytes(sections) / 8 + 1);
  BuddyAllocator buddy;
  CHECK(buddy.init(sections, metadata.data(), metadata.size() * 8).ok());
  CHECK(buddy.add_free(1 * MiB, 3 * MiB).ok());
  CHECK(buddy.add_free(4 * MiB + 8192, 6 * MiB).ok());
  CHECK(buddy.add_free(4096ull * MiB, 6 * MiB).ok());
  const u64 initial_free = buddy.stats().free_frames;
  std::vector<u64> initial(buddy.stats().free_blocks,
                           buddy.stats().free_blocks + BuddyAllocator::kOrders);
  std::map<u64, u32> live;
  for (int step = 0; !in.empty() && step < 4000; ++step) {
    u8 op = in.byte();
    if (op < 128) {
      u32 order = in.byte() % 12;
      auto b = buddy.allocate(order);
      if (b) {
        CHECK(*b % (4096ull << order) == 0);
        auto next = live.lower_bound(*b);
        CHECK(next == live.end() || *b + (4096ull << order) <= next->first);
        live[*b] = order;
      }
    } else if (op < 224 && !live.empty()) {
      auto it = live.begin();
      std::advance(it, in.u16le() % live.size());
      CHECK(buddy.free(it->first, it->second).ok());
      live.erase(it);
    } else {
      // A bogus free: any address and order. It must fail unless it names a live block.
      u64 address = (u64(in.u16le()) << 12) | (op & 1 ? 4096ull * MiB : 0);
      u32 order = in.byte() % 20;
      auto it = live.find(address);
      bool legit = it != live.end() && it->second == order;
      auto r = buddy.free(address, order);
      CHECK(r.ok() == legit);
      if (legit) live.erase(it);
    }
    if (step % 64 == 0) CHECK(buddy.check_invariants() == nullptr);
  }
  for (auto [b, o] : live) CHECK(buddy.free(b, o).ok());
  CHECK(buddy.check_invariants() == nullptr);
  CHECK(buddy.stats().free_frames == initial_free);
  buddy.drain_cache();
  CHECK(buddy.check_invariants() == nullptr);
  for (u32 o = 0; o < BuddyAllocator::kOrders; ++o)
    CHECK(buddy.stats().free_blocks[o] == initial[o]);
}

class Slabs final : public libk::SlabPageSource {
 public:
  void* allocate_slab() override {
    if (live.size() >= 64) return nullptr;  // exercise the out-of-memory path too
    void* p = std::aligned_alloc(libk::SlabCache::kSlabBytes, libk::SlabCache::kSlabBytes);
    live.insert(p);
    return p;
  }
  void free_slab(void* p) override {
    CHECK(live.erase(p) == 1);
    std::free(p);
  }
  std::set<void*> live;
};

void fuzz_slab(Input& in) {
  bool debug = in.byte() & 1;
  Slabs slabs;
  {
    libk::SlabHeap heap;
    heap.init(slabs, debug);
    std::map<u8*, usize> live;
    for (int step = 0; !in.empty() && step < 4000; ++step) {
      u8 op = in.byte();
      if (op < 128) {
        usize size = 1 + in.u16le() % libk::SlabHeap::kMaxSmall;
        auto r = heap.allocate(size);
        if (!r) {
          CHECK(r.error().error == libk::HeapError::OutOfMemory);
          continue;
        }
        auto* p = static_cast<u8*>(r.value());
        CHECK(uptr(p) % 16 == 0);
        auto next = live.lower_bound(p);
        CHECK(next == live.end() || p + size <= next->first);
        std::memset(p, 0x42, size);
        live[p] = size;
      } else if (op < 240 && !live.empty()) {
        auto it = live.begin();
        std::advance(it, in.u16le() % live.size());
        u8* p = it->first;
        CHECK(libk::SlabHeap::free(p).ok());
        live.erase(it);
        // A second free is caught while the slab is still held (another object lives in
        // it); once the slab went back to the page source the pointer is simply stale.
        uptr slab = uptr(p) & ~uptr(libk::SlabCache::kSlabBytes - 1);
        auto other = live.lower_bound(reinterpret_cast<u8*>(slab));
        bool slab_held = other != live.end() &&
                         (uptr(other->first) & ~uptr(libk::SlabCache::kSlabBytes - 1)) == slab;
        if (debug && slab_held)
          CHECK(libk::SlabHeap::free(p).error().error == libk::HeapError::DoubleFree);
      } else if (debug && !live.empty()) {
        // A pointer into the middle of a live object is refused.
        auto it = live.begin();
        usize offset = 1 + in.byte() % 15;
        CHECK(libk::SlabHeap::free(it->first + offset).error().error ==
              libk::HeapError::NotObjectStart);
      }
      if (step % 64 == 0) CHECK(heap.check_invariants() == nullptr);
    }
    for (auto& [p, size] : live) CHECK(libk::SlabHeap::free(p).ok());
    CHECK(heap.check_invariants() == nullptr);
    heap.trim();
  }
  CHECK(slabs.live.empty());
}

void fuzz_extents(Input& in) {
  std::vector<libk::ExtentAllocator::Extent> storage(32);
  libk::ExtentAllocator area;
  constexpr u64 kBase = 0xffffc00000000000ull, kSize = 4096ull * 4096;
  area.init(kBase, kSize, 4096, {storage.data(), storage.size()});
  std::map<u64, u64> live;
  for (int step = 0; !in.empty() && step < 4000; ++step) {
    u8 op = in.byte();
    if (op < 128) {
      u64 size = (1 + in.u16le() % 512) * 4096;
      u64 align = 4096ull << (in.byte() % 6);
      auto r = area.allocate(size, align);
      if (r) {
        CHECK(r.value() % align == 0);
        auto next = live.lower_bound(r.value());
        CHECK(next == live.end() || r.value() + size <= next->first);
        if (next != live.begin())
          CHECK(std::prev(next)->first + std::prev(next)->second <= r.value());
        live[r.value()] = size;
      }
    } else if (!live.empty()) {
      auto it = live.begin();
      std::advance(it, in.u16le() % live.size());
      auto r = area.free(it->first, it->second);
      CHECK(r.ok() || r.error() == libk::ExtentError::TableFull);
      if (r.ok())
        live.erase(it);
      else
        break;  // the table is full: the rest cannot be checked for exact recovery
    }
    CHECK(area.check_invariants() == nullptr);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const u8* data, usize size) {
  Input in(data, size);
  switch (in.byte() % 3) {
    case 0: fuzz_buddy(in); break;
    case 1: fuzz_slab(in); break;
    case 2: fuzz_extents(in); break;
  }
  return 0;
}
