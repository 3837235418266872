// Slab caches and the size-class heap (libk/slab.hpp), over slabs from aligned_alloc.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <cstring>
#include <map>
#include <random>
#include <set>
#include <vector>

#include <libk/slab.hpp>

namespace {

using libk::HeapError;
using libk::SlabCache;
using libk::SlabHeap;

class HostSlabs final : public libk::SlabPageSource {
 public:
  explicit HostSlabs(usize limit = ~usize{0}) : limit_(limit) {}
  ~HostSlabs() { CHECK(live_.empty()); }
  void* allocate_slab() override {
    if (live_.size() >= limit_) return nullptr;
    void* p = std::aligned_alloc(SlabCache::kSlabBytes, SlabCache::kSlabBytes);
    std::memset(p, 0xa5, SlabCache::kSlabBytes);  // garbage, as fresh pages would be
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

void require_ok(const char* problem) {
  INFO((problem ? problem : "ok"));
  REQUIRE(problem == nullptr);
}

void* must_allocate(SlabHeap& heap, usize size) {
  auto r = heap.allocate(size);
  REQUIRE(r.ok());
  return r.value();
}

}  // namespace

TEST_CASE("Size classes round up to the next class", "[slab]") {
  CHECK(SlabHeap::kClassSizes[SlabHeap::class_index(1)] == 16);
  CHECK(SlabHeap::kClassSizes[SlabHeap::class_index(16)] == 16);
  CHECK(SlabHeap::kClassSizes[SlabHeap::class_index(17)] == 32);
  CHECK(SlabHeap::kClassSizes[SlabHeap::class_index(100)] == 128);
  CHECK(SlabHeap::kClassSizes[SlabHeap::class_index(513)] == 768);
  CHECK(SlabHeap::kClassSizes[SlabHeap::class_index(4096)] == 4096);
  for (usize size = 1; size <= SlabHeap::kMaxSmall; ++size) {
    u32 c = SlabHeap::kClassSizes[SlabHeap::class_index(size)];
    REQUIRE(c >= size);
    if (SlabHeap::class_index(size) > 0)
      REQUIRE(SlabHeap::kClassSizes[SlabHeap::class_index(size) - 1] < size);
  }
}

TEST_CASE("Slab heap random alloc/free: no overlap, aligned, back to nothing", "[slab][property]") {
  bool debug = GENERATE(false, true);
  HostSlabs slabs;
  {
    SlabHeap heap;
    heap.init(slabs, debug);
    std::mt19937_64 rng(debug ? 11 : 12);
    struct Live {
      usize size;
      u8 fill;
    };
    std::map<u8*, Live> live;
    for (int step = 0; step < 30000; ++step) {
      if (live.empty() || rng() % 100 < 52) {
        usize size = rng() % 8 == 0 ? 1 + rng() % 4096 : 1 + rng() % 512;
        auto* p = static_cast<u8*>(must_allocate(heap, size));
        REQUIRE(reinterpret_cast<uptr>(p) % 16 == 0);
        auto next = live.lower_bound(p);
        if (next != live.end()) REQUIRE(p + size <= next->first);
        if (next != live.begin())
          REQUIRE(std::prev(next)->first + std::prev(next)->second.size <= p);
        u8 fill = u8(rng());
        std::memset(p, fill, size);
        live[p] = {size, fill};
      } else {
        auto it = live.begin();
        std::advance(it, rng() % live.size());
        for (usize i = 0; i < it->second.size; ++i) REQUIRE(it->first[i] == it->second.fill);
        REQUIRE(SlabHeap::free(it->first).ok());
        live.erase(it);
      }
      if (step % 2000 == 0) require_ok(heap.check_invariants());
    }
    for (auto& [p, l] : live) REQUIRE(SlabHeap::free(p).ok());
    require_ok(heap.check_invariants());
    u64 allocations = 0, frees = 0;
    for (const SlabCache& c : heap.caches()) {
      CHECK(c.stats().in_use == 0);
      allocations += c.stats().allocations;
      frees += c.stats().frees;
    }
    CHECK(allocations == frees);
    heap.trim();
    CHECK(slabs.live() == 0);
  }
}

TEST_CASE("Slab cache fills slabs, keeps one empty slab, releases the rest", "[slab]") {
  HostSlabs slabs;
  SlabCache cache;
  cache.init("test-256", 256, slabs, false);
  const u32 per_slab = cache.objects_per_slab();
  CHECK(per_slab == (SlabCache::kSlabBytes - 64) / 256);
  std::vector<void*> objects;
  for (u32 i = 0; i < 3 * per_slab; ++i) objects.push_back(cache.allocate().value());
  CHECK(slabs.live() == 3);
  CHECK(cache.stats().slabs == 3);
  for (void* p : objects) REQUIRE(SlabCache::free(p).ok());
  require_ok(cache.check_invariants());
  CHECK(slabs.live() == 2);  // the current slab and one kept empty
  cache.trim();
  CHECK(slabs.live() == 0);
  CHECK(cache.stats().peak_in_use == 3 * per_slab);
}

TEST_CASE("Slab magazine hands back the most recently freed object first", "[slab]") {
  HostSlabs slabs;
  SlabCache cache;
  cache.init("test-64", 64, slabs, false);
  std::vector<void*> objects;
  for (u32 i = 0; i < SlabCache::kMagazine + 8; ++i) objects.push_back(cache.allocate().value());
  void* last = objects.back();
  for (void* p : objects) REQUIRE(SlabCache::free(p).ok());  // overflows the magazine once
  CHECK(cache.stats().in_use == 0);
  require_ok(cache.check_invariants());
  CHECK(cache.allocate().value() == last);
  std::set<void*> again{last};
  for (u32 i = 1; i < objects.size(); ++i) again.insert(cache.allocate().value());
  CHECK(again == std::set<void*>(objects.begin(), objects.end()));  // the same objects, no leak
  require_ok(cache.check_invariants());
  for (void* p : again) REQUIRE(SlabCache::free(p).ok());
  cache.trim();
  CHECK(slabs.live() == 0);
}

TEST_CASE("Slab debug mode bypasses the magazine", "[slab][debug]") {
  HostSlabs slabs;
  SlabCache cache;
  cache.init("test-64", 64, slabs, true);
  void* p = cache.allocate(64).value();
  void* keep = cache.allocate(64).value();
  REQUIRE(SlabCache::free(p).ok());
  CHECK(SlabCache::free(p).error().error == HeapError::DoubleFree);  // caught at once
  require_ok(cache.check_invariants());
  REQUIRE(SlabCache::free(keep).ok());
  cache.trim();
}

TEST_CASE("Slab allocation failure is an error value and counted", "[slab]") {
  HostSlabs slabs(1);
  SlabCache cache;
  cache.init("test-4096", 4096, slabs, false);
  std::vector<void*> objects;
  for (u32 i = 0; i < cache.objects_per_slab(); ++i) objects.push_back(cache.allocate().value());
  auto r = cache.allocate();
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().error == HeapError::OutOfMemory);
  CHECK(cache.stats().failures == 1);
  for (void* p : objects) REQUIRE(SlabCache::free(p).ok());
  cache.trim();
}

TEST_CASE("Freeing a pointer that is not in any slab is reported as foreign", "[slab]") {
  HostSlabs slabs;
  SlabHeap heap;
  heap.init(slabs, GENERATE(false, true));
  void* block = std::aligned_alloc(SlabCache::kSlabBytes, SlabCache::kSlabBytes);
  std::memset(block, 0, SlabCache::kSlabBytes);
  auto r = SlabHeap::free(static_cast<u8*>(block) + 256);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().error == HeapError::ForeignPointer);
  CHECK(SlabCache::owner(static_cast<u8*>(block) + 256) == nullptr);
  CHECK(SlabHeap::free(nullptr).error().error == HeapError::ForeignPointer);
  std::free(block);
}

TEST_CASE("Slab debug mode detects a double free", "[slab][debug]") {
  HostSlabs slabs;
  SlabHeap heap;
  heap.init(slabs, true);
  void* p = must_allocate(heap, 40);
  void* keep = must_allocate(heap, 40);  // keeps the slab alive
  REQUIRE(SlabHeap::free(p).ok());
  auto r = SlabHeap::free(p);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().error == HeapError::DoubleFree);
  CHECK(r.error().pointer == p);
  CHECK(libk::StringView(r.error().cache->name()) == "kmalloc-48");
  require_ok(heap.check_invariants());
  REQUIRE(SlabHeap::free(keep).ok());
  heap.trim();
}

TEST_CASE("Slab debug mode detects a pointer into the middle of an object", "[slab][debug]") {
  HostSlabs slabs;
  SlabHeap heap;
  heap.init(slabs, true);
  auto* p = static_cast<u8*>(must_allocate(heap, 64));
  CHECK(SlabHeap::free(p + 8).error().error == HeapError::NotObjectStart);
  CHECK(SlabCache::owner(p + 8) == &heap.cache(SlabHeap::class_index(64)));
  REQUIRE(SlabHeap::free(p).ok());
  heap.trim();
}

TEST_CASE("Slab debug mode detects a write one byte past the requested size", "[slab][debug]") {
  HostSlabs slabs;
  SlabHeap heap;
  heap.init(slabs, true);
  usize size = GENERATE(1u, 40u, 48u, 100u, 4096u);
  auto* p = static_cast<u8*>(must_allocate(heap, size));
  p[size] = 0;
  auto r = SlabHeap::free(p);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().error == HeapError::RedzoneOverwritten);
  CHECK(r.error().offset == isize(size));
  p[size] = SlabCache::kRedzoneByte;  // repair, then the free goes through
  REQUIRE(SlabHeap::free(p).ok());
  heap.trim();
}

TEST_CASE("Slab debug mode detects a write just before an object", "[slab][debug]") {
  HostSlabs slabs;
  SlabHeap heap;
  heap.init(slabs, true);
  auto* p = static_cast<u8*>(must_allocate(heap, 32));
  p[-1] = 0;
  auto r = SlabHeap::free(p);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().error == HeapError::RedzoneOverwritten);
  CHECK(r.error().offset == -1);
  p[-1] = SlabCache::kRedzoneByte;
  REQUIRE(SlabHeap::free(p).ok());
  heap.trim();
}

TEST_CASE("Slab debug mode poisons freed objects and catches a write after free", "[slab][debug]") {
  HostSlabs slabs;
  SlabHeap heap;
  heap.init(slabs, true);
  void* keep = must_allocate(heap, 128);
  auto* p = static_cast<u8*>(must_allocate(heap, 128));
  REQUIRE(SlabHeap::free(p).ok());
  for (int i = 0; i < 128; ++i) REQUIRE(p[i] == SlabCache::kPoison);
  p[77] = 1;                    // use after free
  auto r = heap.allocate(128);  // LIFO: the same slot comes back first
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().error == HeapError::WriteAfterFree);
  CHECK(r.error().pointer == p);
  CHECK(r.error().offset == 77);
  p[77] = SlabCache::kPoison;
  void* again = must_allocate(heap, 128);
  CHECK(again == p);
  REQUIRE(SlabHeap::free(again).ok());
  REQUIRE(SlabHeap::free(keep).ok());
  heap.trim();
}

TEST_CASE("Slab objects of every class fit their slab and do not overlap headers", "[slab]") {
  HostSlabs slabs;
  for (bool debug : {false, true}) {
    SlabHeap heap;
    heap.init(slabs, debug);
    for (usize c = 0; c < SlabHeap::kClassCount; ++c) {
      SlabCache& cache = heap.cache(c);
      CHECK(cache.objects_per_slab() >= 6);
      std::vector<u8*> objects;
      for (u32 i = 0; i < cache.objects_per_slab(); ++i) {
        auto* p = static_cast<u8*>(cache.allocate().value());
        std::memset(p, 0x11, cache.object_size());
        objects.push_back(p);
      }
      require_ok(cache.check_invariants());  // headers intact after filling every object
      CHECK(cache.stats().slabs == 1);
      for (u8* p : objects) REQUIRE(SlabCache::free(p).ok());
    }
    heap.trim();
  }
  CHECK(slabs.live() == 0);
}
