// Per-CPU magazines in front of the slab heap (libk/cpu_magazines.hpp): refill and flush in
// half-magazine batches, exact statistics, and nothing lost when several "CPUs" (magazine
// sets) free each other's objects.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <random>
#include <set>
#include <vector>

#include <libk/cpu_magazines.hpp>

namespace {

using libk::CpuMagazines;
using libk::SlabCache;
using libk::SlabHeap;

class Slabs final : public libk::SlabPageSource {
 public:
  explicit Slabs(usize limit = ~usize{0}) : limit_(limit) {}
  ~Slabs() { CHECK(live_.empty()); }
  void* allocate_slab() override {
    if (live_.size() >= limit_) return nullptr;
    void* p = std::aligned_alloc(SlabCache::kSlabBytes, SlabCache::kSlabBytes);
    live_.insert(p);
    return p;
  }
  void free_slab(void* slab) override {
    REQUIRE(live_.erase(slab) == 1);
    std::free(slab);
  }
  usize live() const { return live_.size(); }

 private:
  usize limit_;
  std::set<void*> live_;
};

// kmalloc and kfree as kernel/memory/heap.cpp does them without debug checks.
void* allocate(CpuMagazines& m, SlabHeap& heap, usize size) {
  usize cls = SlabHeap::class_index(size);
  if (void* p = m.pop(cls)) return p;
  auto r = m.refill(cls, heap.cache(cls));
  if (!r) return nullptr;
  return m.pop(cls);
}

void release(CpuMagazines& m, SlabHeap& heap, void* p) {
  const SlabCache* owner = SlabCache::owner(p);
  REQUIRE(owner != nullptr);
  usize cls = usize(owner - heap.caches().data());
  if (m.push(cls, p)) return;
  REQUIRE(m.flush(cls, CpuMagazines::kBatch).ok());
  REQUIRE(m.push(cls, p));
}

libk::SlabStats merged(SlabHeap& heap, std::vector<CpuMagazines>& cpus, usize cls) {
  libk::SlabStats s = heap.caches()[cls].stats();
  for (const CpuMagazines& m : cpus) m.merge_stats(cls, s);
  return s;
}

}  // namespace

TEST_CASE("magazines: a refill takes half a magazine, a full one flushes half") {
  Slabs slabs;
  SlabHeap heap;
  heap.init(slabs, false);
  CpuMagazines m;
  usize cls = SlabHeap::class_index(64);
  void* first = allocate(m, heap, 64);
  REQUIRE(first != nullptr);
  CHECK(m.held(cls) == CpuMagazines::kBatch - 1);
  std::vector<void*> objects{first};
  for (u32 i = 1; i < CpuMagazines::kBatch; ++i) objects.push_back(allocate(m, heap, 64));
  CHECK(m.held(cls) == 0);
  CHECK(heap.caches()[cls].stats().in_use == CpuMagazines::kBatch);  // the slab's view
  for (void* p : objects) release(m, heap, p);
  CHECK(m.held(cls) == CpuMagazines::kBatch);
  std::vector<void*> more;
  for (u32 i = 0; i < 2 * CpuMagazines::kCapacity; ++i) more.push_back(allocate(m, heap, 64));
  for (void* p : more) release(m, heap, p);
  CHECK(m.held(cls) <= CpuMagazines::kCapacity);
  REQUIRE(m.flush_all().ok());
  CHECK(m.held(cls) == 0);
  CHECK(heap.caches()[cls].stats().in_use == 0);
  heap.trim();
  CHECK(slabs.live() == 0);
}

TEST_CASE("magazines: merged statistics count what callers did") {
  Slabs slabs;
  SlabHeap heap;
  heap.init(slabs, false);
  std::vector<CpuMagazines> cpus(2);
  usize cls = SlabHeap::class_index(48);
  std::vector<void*> live;
  for (int i = 0; i < 100; ++i) live.push_back(allocate(cpus[i % 2], heap, 40));
  libk::SlabStats s = merged(heap, cpus, cls);
  CHECK(s.in_use == 100);
  CHECK(s.allocations == 100);
  CHECK(s.frees == 0);
  // Freed on the other "CPU" than the one that allocated.
  for (int i = 0; i < 60; ++i) release(cpus[(i + 1) % 2], heap, live[i]);
  s = merged(heap, cpus, cls);
  CHECK(s.in_use == 40);
  CHECK(s.allocations == 100);
  CHECK(s.frees == 60);
  for (usize i = 60; i < live.size(); ++i) release(cpus[0], heap, live[i]);
  for (CpuMagazines& m : cpus) REQUIRE(m.flush_all().ok());
  s = merged(heap, cpus, cls);
  CHECK(s.in_use == 0);
  CHECK(s.frees == 100);
  heap.trim();
  CHECK(slabs.live() == 0);
}

TEST_CASE("magazines: random traffic on four magazine sets loses and duplicates nothing") {
  Slabs slabs;
  SlabHeap heap;
  heap.init(slabs, false);
  std::vector<CpuMagazines> cpus(4);
  std::mt19937 rng(12345);
  std::vector<void*> live;
  std::set<void*> unique;
  for (int step = 0; step < 20000; ++step) {
    CpuMagazines& m = cpus[rng() % cpus.size()];
    if (live.empty() || rng() % 3 != 0) {
      void* p = allocate(m, heap, 16 + rng() % 200);
      REQUIRE(p != nullptr);
      REQUIRE(unique.insert(p).second);  // never handed out twice
      live.push_back(p);
    } else {
      usize i = rng() % live.size();
      unique.erase(live[i]);
      release(m, heap, live[i]);
      live[i] = live.back();
      live.pop_back();
    }
  }
  u64 in_use = 0;
  for (usize cls = 0; cls < SlabHeap::kClassCount; ++cls) in_use += merged(heap, cpus, cls).in_use;
  CHECK(in_use == live.size());
  for (void* p : live) release(cpus[0], heap, p);
  for (CpuMagazines& m : cpus) REQUIRE(m.flush_all().ok());
  REQUIRE(heap.check_invariants() == nullptr);
  heap.trim();
  CHECK(slabs.live() == 0);
}

TEST_CASE("magazines: a refill with no memory left reports it, a partial one succeeds") {
  Slabs slabs(1);
  SlabHeap heap;
  heap.init(slabs, false);
  CpuMagazines m;
  usize cls = SlabHeap::class_index(4096);
  std::vector<void*> got;
  for (;;) {
    void* p = allocate(m, heap, 4096);
    if (!p) break;
    got.push_back(p);
  }
  CHECK(got.size() == heap.caches()[cls].objects_per_slab());
  for (void* p : got) release(m, heap, p);
  REQUIRE(m.flush_all().ok());
  heap.trim();
}
