// A process's memory areas (libk/memory_areas.hpp): insert, merge, split, remove across
// areas, the capacity limit, the top-down gap search; and a property test against a
// page-by-page reference model (memory_areas_model.hpp).
#include <catch2/catch.hpp>
#include <random>

#include <libk/memory_areas.hpp>

#include "memory_areas_model.hpp"

namespace {

using libk::Area;
using libk::AreaError;
using libk::AreaKind;
using libk::MemoryAreas;

constexpr u64 P = libk::kPageSize;
constexpr u64 kBase = 0x1000'0000;
constexpr u8 kRW = libk::kAreaRead | libk::kAreaWrite;
constexpr u8 kR = libk::kAreaRead;

Area anon(u64 first, u64 pages, u8 prot = kRW) {
  return {kBase + first * P, kBase + (first + pages) * P, AreaKind::Anonymous, prot};
}

}  // namespace

TEST_CASE("Memory areas: insert keeps order and refuses overlaps and bad ranges", "[areas]") {
  MemoryAreas m;
  REQUIRE(m.insert(anon(10, 2)).ok());
  REQUIRE(m.insert(anon(0, 1)).ok());
  REQUIRE(m.insert(anon(5, 1, kR)).ok());
  REQUIRE(m.size() == 3);
  CHECK(m.areas()[0].begin == kBase);
  CHECK(m.areas()[1].begin == kBase + 5 * P);
  CHECK(m.areas()[2].begin == kBase + 10 * P);
  CHECK(m.insert(anon(11, 3)).error() == AreaError::Overlaps);
  CHECK(m.insert(anon(4, 2)).error() == AreaError::Overlaps);
  CHECK(m.insert({kBase + 1, kBase + P, AreaKind::Heap, kRW}).error() == AreaError::Misaligned);
  CHECK(m.insert({kBase + 3 * P, kBase + 3 * P, AreaKind::Heap, kRW}).error() == AreaError::Empty);
  CHECK(m.insert({kBase + 4 * P, kBase + 3 * P, AreaKind::Heap, kRW}).error() == AreaError::Empty);
  CHECK(m.size() == 3);
  CHECK(m.check());
  CHECK(m.find(kBase + 5 * P + 17)->protection == kR);
  CHECK(!m.find(kBase + 6 * P));
  CHECK(m.overlaps(kBase + 6 * P, kBase + 11 * P));
  CHECK(!m.overlaps(kBase + 6 * P, kBase + 10 * P));
}

TEST_CASE("Memory areas: touching areas merge only with the same kind and protection", "[areas]") {
  MemoryAreas m;
  REQUIRE(m.insert(anon(0, 2)).ok());
  REQUIRE(m.insert(anon(4, 2)).ok());
  REQUIRE(m.insert(anon(2, 2)).ok());  // fills the hole: one area
  REQUIRE(m.size() == 1);
  CHECK(m.areas()[0] == anon(0, 6));
  REQUIRE(m.insert(anon(6, 1, kR)).ok());  // other protection: its own
  REQUIRE(m.insert({kBase + 7 * P, kBase + 8 * P, AreaKind::Heap, kRW}).ok());  // other kind
  CHECK(m.size() == 3);
  CHECK(m.check());
}

TEST_CASE("Memory areas: remove trims, splits and spans several areas", "[areas]") {
  MemoryAreas m;
  REQUIRE(m.insert(anon(0, 10)).ok());
  CHECK(m.remove(kBase + 4 * P, kBase + 6 * P).value() == 2);  // the middle: a split
  REQUIRE(m.size() == 2);
  CHECK(m.areas()[0] == anon(0, 4));
  CHECK(m.areas()[1] == anon(6, 4));
  REQUIRE(m.insert(anon(20, 5, kR)).ok());
  // From inside the first to inside the third, over a gap: 2 + 4 + 2 pages.
  CHECK(m.remove(kBase + 2 * P, kBase + 22 * P).value() == 8);
  REQUIRE(m.size() == 2);
  CHECK(m.areas()[0] == anon(0, 2));
  CHECK(m.areas()[1] == anon(22, 3, kR));
  CHECK(m.remove(kBase + 30 * P, kBase + 40 * P).value() == 0);  // nothing there
  CHECK(m.remove(kBase, kBase + 1).error() == AreaError::Misaligned);
  CHECK(m.remove(kBase + P, kBase + P).error() == AreaError::Empty);
  CHECK(m.check());
}

TEST_CASE("Memory areas: at most kCapacity areas, and a failed split changes nothing", "[areas]") {
  MemoryAreas m;
  for (u64 i = 0; i < MemoryAreas::kCapacity; ++i) REQUIRE(m.insert(anon(3 * i, 2)).ok());
  CHECK(m.insert(anon(1000, 1)).error() == AreaError::Full);
  CHECK(m.insert(anon(2, 1)).ok());  // merges: no slot needed
  CHECK(m.size() == MemoryAreas::kCapacity - 1);
  REQUIRE(m.insert(anon(1000, 1)).ok());
  REQUIRE(m.size() == MemoryAreas::kCapacity);
  // Splitting the 5-page area at 0 needs a slot.
  CHECK(m.remove(kBase + 1 * P, kBase + 2 * P).error() == AreaError::Full);
  CHECK(m.areas()[0] == anon(0, 5));
  // Trimming an end needs none.
  CHECK(m.remove(kBase, kBase + P).value() == 1);
  CHECK(m.check());
}

TEST_CASE("Memory areas: the gap search takes the highest fitting gap in the window", "[areas]") {
  MemoryAreas m;
  REQUIRE(m.insert(anon(90, 10)).ok());  // [90, 100)
  REQUIRE(m.insert(anon(50, 38)).ok());  // [50, 88): the gap [88, 90) has 2 pages
  u64 low = kBase, high = kBase + 100 * P;
  CHECK(m.find_free_top_down(2 * P, low, high).value() == kBase + 88 * P);
  CHECK(m.find_free_top_down(3 * P, low, high).value() == kBase + 47 * P);
  CHECK(m.find_free_top_down(50 * P, low, high).value() == kBase);
  CHECK(!m.find_free_top_down(51 * P, low, high));
  CHECK(m.find_free_top_down(5 * P, low, kBase + 200 * P).value() == kBase + 195 * P);
  CHECK(!m.find_free_top_down(5 * P, kBase + 88 * P, kBase + 95 * P));
  CHECK(!m.find_free_top_down(0, low, high));
  CHECK(!m.find_free_top_down(P, high, low));
}

// Random inserts and removes against the page-by-page model: same results, same errors, and
// the areas are always the model's runs.
TEST_CASE("Memory areas agree with a page-by-page model under random operations", "[areas]") {
  using memory_areas_model::Model;
  using memory_areas_model::PageInfo;
  std::mt19937_64 rng(GENERATE(1u, 2u, 3u, 4u));
  constexpr u64 kPages = 400;
  Model model(kBase, kPages);
  MemoryAreas m;
  auto pick = [&](u64 n) { return u64(rng() % n); };
  for (int step = 0; step < 6000; ++step) {
    u64 first = pick(kPages);
    u64 count = 1 + pick(step % 7 == 0 ? 60 : 4);
    if (first + count > kPages) count = kPages - first;
    u64 begin = model.address(first), end = model.address(first + count);
    if (pick(3) != 0) {  // insert, more often than remove, so the table fills up
      PageInfo info{AreaKind(pick(2) ? u8(AreaKind::Anonymous) : u8(AreaKind::Heap)),
                    u8(pick(2) ? kRW : kR)};
      auto r = m.insert({begin, end, info.kind, info.protection});
      if (model.any_in(first, count)) {
        REQUIRE(r.error() == AreaError::Overlaps);
      } else {
        Model next = model;
        next.set(first, count, info);
        if (next.runs().size() > MemoryAreas::kCapacity) {
          REQUIRE(r.error() == AreaError::Full);
        } else {
          REQUIRE(r.ok());
          model = next;
        }
      }
    } else {
      auto r = m.remove(begin, end);
      Model next = model;
      next.set(first, count, std::nullopt);
      if (next.runs().size() > MemoryAreas::kCapacity) {
        REQUIRE(r.error() == AreaError::Full);
      } else {
        REQUIRE(r.value() == model.count_in(first, count));
        model = next;
      }
    }
    REQUIRE(m.check());
    auto runs = model.runs();
    REQUIRE(m.size() == runs.size());
    for (usize i = 0; i < runs.size(); ++i) REQUIRE(m.areas()[i] == runs[i]);
    u64 probe = pick(kPages);
    auto found = m.find(model.address(probe) + pick(P));
    REQUIRE(found.has_value() == model.at(probe).has_value());
    u64 want = 1 + pick(8), lo = pick(kPages), hi = lo + pick(kPages - lo + 1);
    auto gap = m.find_free_top_down(want * P, model.address(lo), model.address(hi));
    auto expected = model.highest_free(want, lo, hi);
    REQUIRE(gap.has_value() == expected.has_value());
    if (gap) REQUIRE(*gap == model.address(*expected));
  }
}
