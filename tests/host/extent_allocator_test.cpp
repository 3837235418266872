// The virtual-area range allocator (libk/extent_allocator.hpp).
#include <catch2/catch.hpp>
#include <map>
#include <random>
#include <vector>

#include <libk/extent_allocator.hpp>

namespace {

using libk::ExtentAllocator;
using libk::ExtentError;

constexpr u64 kBase = 0xffff'c000'0000'0000ull;
constexpr u64 kPage = 4096;

struct Area {
  std::vector<ExtentAllocator::Extent> storage;
  ExtentAllocator a;
  explicit Area(u64 size, usize slots = 256) : storage(slots) {
    a.init(kBase, size, kPage, {storage.data(), storage.size()});
  }
  void check() {
    const char* problem = a.check_invariants();
    INFO((problem ? problem : "ok"));
    REQUIRE(problem == nullptr);
  }
};

}  // namespace

TEST_CASE("Extent allocator hands out first fit and merges back to one extent", "[extent]") {
  Area area(1024 * kPage);
  u64 a = area.a.allocate(3 * kPage).value();
  u64 b = area.a.allocate(kPage).value();
  CHECK(a == kBase);
  CHECK(b == kBase + 3 * kPage);
  REQUIRE(area.a.free(a, 3 * kPage).ok());
  CHECK(area.a.extent_count() == 2);
  CHECK(area.a.allocate(2 * kPage).value() == kBase);  // first fit reuses the hole
  REQUIRE(area.a.free(kBase, 2 * kPage).ok());
  REQUIRE(area.a.free(b, kPage).ok());
  area.check();
  CHECK(area.a.extent_count() == 1);
  CHECK(area.a.free_bytes() == 1024 * kPage);
}

TEST_CASE("Extent allocator honours alignment and rounds sizes up to the granule", "[extent]") {
  Area area(1024 * kPage);
  (void)area.a.allocate(kPage).value();
  u64 aligned = area.a.allocate(100, 64 * kPage).value();
  CHECK(aligned % (64 * kPage) == 0);
  CHECK(area.a.free_bytes() == 1022 * kPage);
  area.check();
}

TEST_CASE("Extent allocator rejects a double free and bad ranges", "[extent]") {
  Area area(64 * kPage);
  u64 a = area.a.allocate(4 * kPage).value();
  REQUIRE(area.a.free(a, 4 * kPage).ok());
  CHECK(area.a.free(a, 4 * kPage).error() == ExtentError::Overlap);
  CHECK(area.a.free(a + kPage, kPage).error() == ExtentError::Overlap);
  CHECK(area.a.free(kBase - kPage, kPage).error() == ExtentError::BadRange);
  CHECK(area.a.free(kBase + 63 * kPage, 2 * kPage).error() == ExtentError::BadRange);
  CHECK(area.a.free(kBase + 1, kPage).error() == ExtentError::BadRange);
  CHECK(area.a.allocate(0).error() == ExtentError::BadRange);
  CHECK(area.a.allocate(65 * kPage).error() == ExtentError::OutOfSpace);
  area.check();
}

TEST_CASE("Extent allocator reports a full table instead of losing a range", "[extent]") {
  Area area(64 * kPage, 2);
  u64 a = area.a.allocate(kPage).value();
  u64 b = area.a.allocate(kPage).value();
  u64 c = area.a.allocate(kPage).value();
  u64 d = area.a.allocate(kPage).value();
  (void)b, (void)d;
  REQUIRE(area.a.free(a, kPage).ok());  // two extents: [a] and [after d, end)
  CHECK(area.a.free(c, kPage).error() == ExtentError::TableFull);  // needs a third
  CHECK(area.a.free_bytes() == 61 * kPage);
  area.check();
}

TEST_CASE("Extent allocator random alloc/free never overlaps and ends whole",
          "[extent][property]") {
  Area area(u64{1} << 32, 4096);
  std::mt19937_64 rng(5);
  std::map<u64, u64> live;
  for (int step = 0; step < 20000; ++step) {
    if (live.empty() || rng() % 2) {
      u64 size = (1 + rng() % 64) * kPage;
      auto r = area.a.allocate(size, rng() % 4 == 0 ? 16 * kPage : 0);
      if (!r) continue;
      auto next = live.lower_bound(r.value());
      if (next != live.end()) REQUIRE(r.value() + size <= next->first);
      if (next != live.begin())
        REQUIRE(std::prev(next)->first + std::prev(next)->second <= r.value());
      live[r.value()] = size;
    } else {
      auto it = live.begin();
      std::advance(it, rng() % live.size());
      REQUIRE(area.a.free(it->first, it->second).ok());
      live.erase(it);
    }
    if (step % 1000 == 0) area.check();
  }
  for (auto [b, s] : live) REQUIRE(area.a.free(b, s).ok());
  area.check();
  CHECK(area.a.extent_count() == 1);
}
