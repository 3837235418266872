#include <catch2/catch.hpp>
#include <vector>

#include <boot/early_allocator.hpp>

using boot::EarlyAllocator;
using boot::MemoryRange;
using boot::MemoryType;

namespace {

constexpr u64 kPage = libk::kPageSize;

std::vector<MemoryRange> sample_map() {
  return {{0x0, 0x9f000, MemoryType::Usable, 0},
          {0x100000, 0x700000, MemoryType::Usable, 0},  // the largest usable range
          {0x800000, 0x100000, MemoryType::Reserved, 0},
          {0x900000, 0x200000, MemoryType::BootServices, 0}};
}

}  // namespace

TEST_CASE("Early allocator carves from the top of the largest usable range") {
  auto map = sample_map();
  EarlyAllocator a;
  REQUIRE(a.init({map.data(), map.size()}));
  auto first = a.allocate(3 * kPage);
  REQUIRE(first.has_value());
  CHECK(*first == 0x800000 - 3 * kPage);
  auto second = a.allocate(1);  // rounded up to a page
  REQUIRE(second.has_value());
  CHECK(*second == *first - kPage);
}

TEST_CASE("Early allocator records contiguous allocations as one range") {
  auto map = sample_map();
  EarlyAllocator a;
  REQUIRE(a.init({map.data(), map.size()}));
  REQUIRE(a.allocate(kPage));
  REQUIRE(a.allocate(2 * kPage));
  REQUIRE(a.allocated().size() == 1);
  CHECK(a.allocated()[0].base == 0x800000 - 3 * kPage);
  CHECK(a.allocated()[0].length == 3 * kPage);
  CHECK(a.bytes_allocated() == 3 * kPage);
}

TEST_CASE("Early allocator honours alignment and counts the padding as allocated") {
  auto map = sample_map();
  EarlyAllocator a;
  REQUIRE(a.init({map.data(), map.size()}));
  REQUIRE(a.allocate(kPage));  // top is now 0x7ff000
  auto aligned = a.allocate(kPage, 0x200000);
  REQUIRE(aligned.has_value());
  CHECK(*aligned % 0x200000 == 0);
  CHECK(*aligned == 0x600000);
  // Everything from the aligned block to the old top is unusable by anyone else.
  CHECK(a.bytes_allocated() == 0x800000 - 0x600000);
  for (const auto& r : a.allocated()) CHECK(r.base + r.length <= 0x800000);
}

TEST_CASE("Early allocator refuses what does not fit and keeps working") {
  auto map = sample_map();
  EarlyAllocator a;
  REQUIRE(a.init({map.data(), map.size()}));
  CHECK_FALSE(a.allocate(0x700000 + kPage).has_value());
  CHECK_FALSE(a.allocate(0).has_value());
  CHECK_FALSE(a.allocate(kPage, 3 * kPage).has_value());  // not a power of two
  CHECK_FALSE(a.allocate(~u64{0}).has_value());           // rounding up would overflow
  CHECK(a.allocate(0x700000).has_value());                // exactly the arena
  CHECK_FALSE(a.allocate(kPage).has_value());
}

TEST_CASE("Early allocator without usable memory fails to initialise") {
  std::vector<MemoryRange> map = {{0x0, 0x100000, MemoryType::Reserved, 0}};
  EarlyAllocator a;
  CHECK_FALSE(a.init({map.data(), map.size()}));
  CHECK_FALSE(a.allocate(kPage).has_value());
}
