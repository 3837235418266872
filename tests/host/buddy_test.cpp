// The buddy frame allocator (libk/buddy.hpp) on made-up physical addresses: it never touches
// the frames, only its metadata, so no real memory stands behind them.
#include <catch2/catch.hpp>
#include <map>
#include <random>
#include <vector>

#include <libk/buddy.hpp>

namespace {

using libk::BuddyAllocator;
using libk::BuddyError;
using Section = BuddyAllocator::Section;

constexpr u64 KiB = 1024, MiB = 1024 * KiB, GiB = 1024 * MiB;

struct Fixture {
  std::vector<u64> storage;  // u64 for 8-byte alignment
  BuddyAllocator buddy;

  explicit Fixture(std::vector<Section> sections) {
    libk::Span<const Section> span(sections.data(), sections.size());
    u64 bytes = BuddyAllocator::metadata_bytes(span);
    storage.resize(bytes / 8 + 1);
    REQUIRE(buddy.init(span, storage.data(), bytes).ok());
  }
  u64 add(u64 base, u64 length) {
    auto r = buddy.add_free(base, length);
    REQUIRE(r.ok());
    return r.value();
  }
  void check() {
    const char* problem = buddy.check_invariants();
    INFO((problem ? problem : "ok"));
    REQUIRE(problem == nullptr);
  }
  std::vector<u64> free_blocks() const {
    const auto& s = buddy.stats();
    return std::vector<u64>(s.free_blocks, s.free_blocks + BuddyAllocator::kOrders);
  }
};

// A small machine with holes: 1 MiB..64 MiB, a reserved hole, and memory above 4 GiB.
struct HoleyMachine : Fixture {
  HoleyMachine() : Fixture({{1 * MiB, 63 * MiB}, {4 * GiB, 1 * GiB + 8 * MiB + 12 * KiB}}) {
    add(1 * MiB, 15 * MiB);
    add(20 * MiB + 4 * KiB, 44 * MiB - 4 * KiB);  // 16..20 MiB (+1 page) stays reserved
    add(4 * GiB, 1 * GiB + 8 * MiB + 12 * KiB);
  }
};

bool in_pool_ranges(u64 base, u64 size) {
  struct R {
    u64 b, e;
  };
  const R ranges[] = {
      {1 * MiB, 16 * MiB}, {20 * MiB + 4 * KiB, 64 * MiB}, {4 * GiB, 5 * GiB + 8 * MiB + 12 * KiB}};
  for (const R& r : ranges)
    if (base >= r.b && base + size <= r.e) return true;
  return false;
}

}  // namespace

TEST_CASE("Buddy pool starts fully coalesced with aligned blocks", "[buddy]") {
  HoleyMachine f;
  f.check();
  const auto& s = f.buddy.stats();
  CHECK(s.free_frames ==
        (15 * MiB + 44 * MiB - 4 * KiB + 1 * GiB + 8 * MiB + 12 * KiB) / (4 * KiB));
  CHECK(s.allocated_frames == 0);
  CHECK(s.managed_frames == (63 * MiB + 1 * GiB + 8 * MiB + 12 * KiB) / (4 * KiB));
  CHECK(f.buddy.largest_free_order() == 18);  // one whole 1 GiB block at 4 GiB
}

TEST_CASE("Buddy hands out a 1 GiB block aligned to 1 GiB", "[buddy]") {
  HoleyMachine f;
  auto block = f.buddy.allocate(18);
  REQUIRE(block.has_value());
  CHECK(*block == 4 * GiB);
  CHECK_FALSE(f.buddy.allocate(18).has_value());  // the only one
  CHECK(f.buddy.stats().failures == 1);
  REQUIRE(f.buddy.free(*block, 18).ok());
  f.check();
}

TEST_CASE("Buddy blocks are aligned to their size and never in reserved holes", "[buddy]") {
  HoleyMachine f;
  std::mt19937_64 rng(1);
  std::vector<std::pair<u64, u32>> blocks;
  for (int i = 0; i < 2000; ++i) {
    u32 order = u32(rng() % 11);
    auto b = f.buddy.allocate(order);
    if (!b) continue;
    u64 size = (4 * KiB) << order;
    CHECK(*b % size == 0);
    CHECK(in_pool_ranges(*b, size));
    blocks.push_back({*b, order});
  }
  for (auto [b, o] : blocks) REQUIRE(f.buddy.free(b, o).ok());
  f.check();
}

TEST_CASE("Buddy random alloc/free keeps invariants and coalesces back to the start",
          "[buddy][property]") {
  HoleyMachine f;
  const auto initial = f.free_blocks();
  const u64 initial_free = f.buddy.stats().free_frames;
  std::mt19937_64 rng(GENERATE(1u, 2u, 3u));
  std::map<u64, u32> live;  // address -> order
  for (int step = 0; step < 20000; ++step) {
    bool do_alloc = live.empty() || rng() % 100 < 55;
    if (do_alloc) {
      u32 order = rng() % 8 == 0 ? u32(rng() % 19) : u32(rng() % 4);
      auto b = f.buddy.allocate(order, u16(order + 1));
      if (!b) continue;
      u64 size = (4 * KiB) << order;
      // No overlap with its neighbours among live blocks.
      auto next = live.lower_bound(*b);
      if (next != live.end()) REQUIRE(*b + size <= next->first);
      if (next != live.begin()) {
        auto prev = std::prev(next);
        REQUIRE(prev->first + ((4 * KiB) << prev->second) <= *b);
      }
      REQUIRE(in_pool_ranges(*b, size));
      auto info = f.buddy.block_at(*b);
      REQUIRE(info.ok());
      CHECK(info.value().state == BuddyAllocator::State::Allocated);
      CHECK(info.value().tag == order + 1);
      live[*b] = order;
    } else {
      auto it = live.begin();
      std::advance(it, rng() % live.size());
      REQUIRE(f.buddy.free(it->first, it->second).ok());
      live.erase(it);
    }
    if (step % 1000 == 0) f.check();
  }
  u64 live_frames = 0;
  for (auto [b, o] : live) live_frames += u64{1} << o;
  CHECK(f.buddy.stats().allocated_frames == live_frames);
  CHECK(f.buddy.stats().free_frames + live_frames == initial_free);
  for (auto [b, o] : live) REQUIRE(f.buddy.free(b, o).ok());
  f.check();
  CHECK(f.buddy.stats().free_frames == initial_free);
  f.buddy.drain_cache();
  f.check();
  CHECK(f.free_blocks() == initial);
}

TEST_CASE("Buddy allocates every frame of a tiny machine, then gets them all back", "[buddy]") {
  Fixture f({{1 * MiB, 63 * MiB}});
  f.add(1 * MiB, 63 * MiB);
  const auto initial = f.free_blocks();
  std::vector<u64> frames;
  while (auto b = f.buddy.allocate(0)) frames.push_back(*b);
  CHECK(frames.size() == 63 * MiB / (4 * KiB));
  CHECK(f.buddy.stats().free_frames == 0);
  CHECK(f.buddy.largest_free_order() == -1);
  f.check();
  std::shuffle(frames.begin(), frames.end(), std::mt19937_64(7));
  for (u64 b : frames) REQUIRE(f.buddy.free(b, 0).ok());
  f.check();
  f.buddy.drain_cache();
  CHECK(f.free_blocks() == initial);
}

TEST_CASE("Buddy keeps freed single frames in a LIFO cache until it fills", "[buddy]") {
  Fixture f({{0, 1 * MiB}});
  f.add(0, 1 * MiB);
  const auto initial = f.free_blocks();
  auto a = f.buddy.allocate(0), b = f.buddy.allocate(0);
  REQUIRE((a && b));
  REQUIRE(f.buddy.free(*a, 0).ok());
  CHECK(f.buddy.stats().cached_frames == 1);
  CHECK(f.buddy.block_at(*a).value().state == BuddyAllocator::State::Cached);
  CHECK(f.buddy.allocate(0).value() == *a);  // the most recently freed frame comes back
  REQUIRE(f.buddy.free(*a, 0).ok());
  CHECK(f.buddy.free(*a, 0).error() == BuddyError::NotAllocated);  // double free still caught
  REQUIRE(f.buddy.free(*b, 0).ok());
  f.check();
  // Fill the cache past its size: half of it is merged back, the rest stays cached.
  std::vector<u64> frames;
  for (u32 i = 0; i < BuddyAllocator::kCacheSize + 1; ++i)
    frames.push_back(f.buddy.allocate(0).value());
  for (u64 frame : frames) REQUIRE(f.buddy.free(frame, 0).ok());
  CHECK(f.buddy.stats().cached_frames == BuddyAllocator::kCacheSize / 2 + 1);
  f.check();
  f.buddy.drain_cache();
  CHECK(f.buddy.stats().cached_frames == 0);
  CHECK(f.free_blocks() == initial);
  f.check();
}

TEST_CASE("Buddy rejects a double free and changes nothing", "[buddy]") {
  HoleyMachine f;
  auto b = f.buddy.allocate(2);
  REQUIRE(b.has_value());
  REQUIRE(f.buddy.free(*b, 2).ok());
  const auto before = f.free_blocks();
  auto again = f.buddy.free(*b, 2);  // order 2: not cached, merged at once
  REQUIRE_FALSE(again.ok());
  CHECK(again.error() == BuddyError::NotAllocated);
  CHECK(f.free_blocks() == before);
  f.check();
}

TEST_CASE("Buddy rejects frees with the wrong order, inside a block, or foreign", "[buddy]") {
  HoleyMachine f;
  auto b = f.buddy.allocate(3);
  REQUIRE(b.has_value());
  CHECK(f.buddy.free(*b, 2).error() == BuddyError::WrongOrder);
  CHECK(f.buddy.free(*b + 4 * KiB, 0).error() == BuddyError::InsideBlock);
  CHECK(f.buddy.free(*b + 8 * KiB, 1).error() == BuddyError::InsideBlock);
  CHECK(f.buddy.free(*b + 4 * KiB, 3).error() == BuddyError::Misaligned);
  CHECK(f.buddy.free(3 * GiB, 0).error() == BuddyError::NotManaged);
  CHECK(f.buddy.free(17 * MiB, 0).error() == BuddyError::NotAllocated);  // the reserved hole
  CHECK(f.buddy.free(*b, 19).error() == BuddyError::BadOrder);
  REQUIRE(f.buddy.free(*b, 3).ok());
  f.check();
}

TEST_CASE("Buddy add_free refuses frames already in the pool and changes nothing", "[buddy]") {
  Fixture f({{1 * MiB, 8 * MiB}});
  f.add(1 * MiB, 4 * MiB);
  const auto before = f.free_blocks();
  auto r = f.buddy.add_free(4 * MiB, 2 * MiB);  // overlaps the pool
  REQUIRE_FALSE(r.ok());
  CHECK(r.error() == BuddyError::NotReserved);
  CHECK(f.free_blocks() == before);
  CHECK(f.buddy.add_free(8 * MiB, 2 * MiB).error() == BuddyError::NotManaged);  // past the end
  CHECK(f.add(5 * MiB, 4 * MiB) == 4 * MiB / (4 * KiB));
  f.check();
  CHECK(f.buddy.largest_free_order() == 10);  // [4 MiB, 8 MiB): the only aligned 4 MiB block
}

TEST_CASE("Buddy add_free narrows unaligned ranges to whole frames", "[buddy]") {
  Fixture f({{0, 1 * MiB}});
  CHECK(f.add(100, 4 * KiB) == 0);              // no whole frame inside
  CHECK(f.add(4 * KiB - 1, 8 * KiB + 2) == 2);  // frames 1 and 2
  f.check();
  CHECK(f.buddy.stats().free_frames == 2);
}

TEST_CASE("Buddy merges freed ranges added piecewise into large blocks", "[buddy]") {
  Fixture f({{0, 4 * MiB}});
  for (u64 a = 0; a < 4 * MiB; a += 4 * KiB) f.add(a, 4 * KiB);
  f.check();
  CHECK(f.buddy.stats().free_blocks[10] == 1);  // one 4 MiB block
  CHECK(f.buddy.stats().free_blocks[0] == 0);
}

TEST_CASE("Buddy init rejects bad sections and short metadata", "[buddy]") {
  BuddyAllocator b;
  std::vector<u64> storage(1024);
  Section unsorted[] = {{8 * MiB, 1 * MiB}, {1 * MiB, 1 * MiB}};
  CHECK(b.init(unsorted, storage.data(), 8192).error() == BuddyError::BadSections);
  Section misaligned[] = {{1 * MiB + 1, 1 * MiB}};
  CHECK(b.init(misaligned, storage.data(), 8192).error() == BuddyError::BadSections);
  Section big[] = {{0, 64 * MiB}};
  CHECK(b.init(big, storage.data(), 8192).error() == BuddyError::MetadataTooSmall);
  Section empty[] = {{0, 0}};
  CHECK(b.init(empty, storage.data(), 8192).error() == BuddyError::BadSections);
}

TEST_CASE("Buddy never merges across a section boundary", "[buddy]") {
  // Two sections that touch: the 2 MiB buddies straddle the boundary.
  Fixture f({{0, 1 * MiB}, {1 * MiB, 1 * MiB}});
  f.add(0, 1 * MiB);
  f.add(1 * MiB, 1 * MiB);
  f.check();
  CHECK(f.buddy.largest_free_order() == 8);  // 1 MiB each, not one 2 MiB block
  CHECK(f.buddy.stats().free_blocks[8] == 2);
}

TEST_CASE("Buddy statistics count allocations, frees and failures", "[buddy]") {
  Fixture f({{0, 64 * KiB}});
  f.add(0, 64 * KiB);
  auto a = f.buddy.allocate(4);
  REQUIRE(a.has_value());
  CHECK_FALSE(f.buddy.allocate(0).has_value());
  REQUIRE(f.buddy.free(*a, 4).ok());
  const auto& s = f.buddy.stats();
  CHECK(s.allocations == 1);
  CHECK(s.frees == 1);
  CHECK(s.failures == 1);
  CHECK(s.free_frames == 16);
}

TEST_CASE("allocate_below takes a block under the limit even when the list head is above it",
          "[buddy][dma]") {
  HoleyMachine m;
  // The high section's 1 GiB block heads the top list; everything below 4 GiB is smaller.
  for (int i = 0; i < 20; ++i) {
    auto block = m.buddy.allocate_below(4, 4 * GiB);
    REQUIRE(block);
    CHECK(*block + 16 * 4 * KiB <= 4 * GiB);
    CHECK(libk::is_aligned(*block, 16 * 4 * KiB));
  }
  m.check();
}

TEST_CASE("allocate_below fails when no free block fits under the limit, and counts it",
          "[buddy][dma]") {
  HoleyMachine m;
  u64 failures = m.buddy.stats().failures;
  CHECK_FALSE(m.buddy.allocate_below(0, 1 * MiB));
  CHECK_FALSE(m.buddy.allocate_below(14, 16 * MiB));  // 64 MiB blocks: none ends below 16 MiB
  CHECK(m.buddy.stats().failures == failures + 2);
  m.check();
}

TEST_CASE("allocate_below takes a cached single frame under the limit first", "[buddy][dma]") {
  HoleyMachine m;
  auto low = m.buddy.allocate_below(0, 2 * MiB);
  auto high = m.buddy.allocate(0);
  REQUIRE(low);
  REQUIRE(high);
  REQUIRE(m.buddy.free(*high, 0).ok());
  REQUIRE(m.buddy.free(*low, 0).ok());  // both now in the cache, the low one on top
  REQUIRE(m.buddy.free(*high, 0).error() == BuddyError::NotAllocated);
  u64 cached = m.buddy.stats().cached_frames;
  auto again = m.buddy.allocate_below(0, 2 * MiB);
  REQUIRE(again);
  CHECK(*again == *low);
  CHECK(m.buddy.stats().cached_frames == cached - 1);
  m.check();
}

TEST_CASE("blocks from allocate_below free and coalesce like any other", "[buddy][dma]") {
  HoleyMachine m;
  auto before = m.free_blocks();
  std::vector<u64> blocks;
  for (int i = 0; i < 8; ++i) blocks.push_back(*m.buddy.allocate_below(2, 8 * MiB));
  for (u64 b : blocks) REQUIRE(m.buddy.free(b, 2).ok());
  m.buddy.drain_cache();
  CHECK(m.free_blocks() == before);
  m.check();
}

TEST_CASE("Buddy reference counts: a shared block is freed with its last release", "[buddy]") {
  HoleyMachine f;
  auto b = f.buddy.allocate(0);
  REQUIRE(b.has_value());
  const u64 free_before = f.buddy.stats().free_frames;
  CHECK(f.buddy.references(*b).value() == 1);
  CHECK(f.buddy.share(*b).value() == 2);
  CHECK(f.buddy.share(*b).value() == 3);
  CHECK(f.buddy.references(*b).value() == 3);
  // Freeing with references left is refused and changes nothing.
  CHECK(f.buddy.free(*b, 0).error() == BuddyError::Shared);
  CHECK(f.buddy.references(*b).value() == 3);
  CHECK(f.buddy.release(*b, 0).value() == false);
  CHECK(f.buddy.release(*b, 0).value() == false);
  CHECK(f.buddy.references(*b).value() == 1);
  CHECK(f.buddy.stats().free_frames == free_before);
  f.check();
  CHECK(f.buddy.release(*b, 0).value() == true);  // the last one frees
  CHECK(f.buddy.stats().free_frames == free_before + 1);
  // Past the last reference every call is an error: the count cannot underflow.
  CHECK(f.buddy.release(*b, 0).error() == BuddyError::NotAllocated);
  CHECK(f.buddy.share(*b).error() == BuddyError::NotAllocated);
  CHECK(f.buddy.references(*b).error() == BuddyError::NotAllocated);
  f.check();
}

TEST_CASE("Buddy reference counts only on allocated block heads", "[buddy]") {
  HoleyMachine f;
  auto b = f.buddy.allocate(2);
  REQUIRE(b.has_value());
  CHECK(f.buddy.share(*b + 4 * KiB).error() == BuddyError::InsideBlock);
  CHECK(f.buddy.share(*b + 1).error() == BuddyError::Misaligned);
  CHECK(f.buddy.share(3 * GiB).error() == BuddyError::NotManaged);
  CHECK(f.buddy.share(17 * MiB).error() == BuddyError::NotAllocated);
  CHECK(f.buddy.share(*b).value() == 2);
  CHECK(f.buddy.release(*b, 1).error() == BuddyError::WrongOrder);
  CHECK(f.buddy.release(*b, 2).value() == false);
  // A reallocated block starts with one reference again.
  REQUIRE(f.buddy.free(*b, 2).ok());
  auto again = f.buddy.allocate(2);
  REQUIRE(again.has_value());
  CHECK(f.buddy.references(*again).value() == 1);
  f.check();
}
