// From the BootInfo memory map to the page allocator's sections and free ranges
// (boot/phys_pool.hpp): the conversion edge cases.
#include <catch2/catch.hpp>
#include <vector>

#include <boot/phys_pool.hpp>

namespace {

using boot::MemoryRange;
using boot::MemoryType;
using boot::PhysRange;
using Section = libk::BuddyAllocator::Section;

constexpr u64 KiB = 1024, MiB = 1024 * KiB, GiB = 1024 * MiB;

std::vector<PhysRange> subtract(PhysRange r, std::vector<PhysRange> ex) {
  std::vector<PhysRange> out(32);
  usize n = boot::subtract_ranges(r, {ex.data(), ex.size()}, {out.data(), out.size()});
  out.resize(n);
  return out;
}

bool same(const std::vector<PhysRange>& a, const std::vector<PhysRange>& b) {
  if (a.size() != b.size()) return false;
  for (usize i = 0; i < a.size(); ++i)
    if (a[i].base != b[i].base || a[i].length != b[i].length) return false;
  return true;
}

std::vector<Section> plan(const std::vector<MemoryRange>& map, u64 gap, usize capacity = 16) {
  std::vector<Section> out(capacity);
  usize n = boot::plan_sections({map.data(), map.size()}, gap, {out.data(), out.size()});
  out.resize(n);
  return out;
}

// OVMF-like q35 map with 6 GiB of RAM: low RAM with firmware holes, the PCI hole, high RAM.
const std::vector<MemoryRange> kQ35 = {
    {0, 0xa0000, MemoryType::Usable, 0},
    {0x100000, 0x700000, MemoryType::Usable, 0},
    {0x800000, 0x8000, MemoryType::AcpiNvs, 0},
    {0x808000, 0x8000, MemoryType::Usable, 0},
    {0x810000, 0xf0000, MemoryType::AcpiNvs, 0},
    {0x900000, 0x7e000000, MemoryType::BootServices, 0},
    {0x7e900000, 0x1000000, MemoryType::LoaderReclaimable, 0},
    {0x7f900000, 0x600000, MemoryType::Reserved, 0},
    {0xb0000000, 0x10000000, MemoryType::Mmio, 0},
    {0x1'0000'0000, 4 * GiB, MemoryType::Usable, 0},
};

}  // namespace

TEST_CASE("Subtracting nothing narrows a range to whole pages", "[phys_pool]") {
  CHECK(same(subtract({0x1001, 0x3000}, {}), {{0x2000, 0x2000}}));
  CHECK(subtract({0x1001, 0x1000}, {}).empty());
  CHECK(subtract({0x1000, 0}, {}).empty());
}

TEST_CASE("Subtracting exclusions in any order leaves the pieces in address order", "[phys_pool]") {
  auto pieces = subtract({0, 100 * KiB}, {{60 * KiB, 8 * KiB}, {8 * KiB, 4 * KiB}, {0, 4 * KiB}});
  CHECK(same(pieces, {{4 * KiB, 4 * KiB}, {12 * KiB, 48 * KiB}, {68 * KiB, 32 * KiB}}));
}

TEST_CASE("Unaligned exclusions are widened to the pages they touch", "[phys_pool]") {
  auto pieces = subtract({0, 64 * KiB}, {{10 * KiB + 1, 1}});
  CHECK(same(pieces, {{0, 8 * KiB}, {12 * KiB, 52 * KiB}}));
}

TEST_CASE("Overlapping and nested exclusions cut once", "[phys_pool]") {
  auto pieces =
      subtract({0, 64 * KiB}, {{8 * KiB, 16 * KiB}, {12 * KiB, 4 * KiB}, {20 * KiB, 12 * KiB}});
  CHECK(same(pieces, {{0, 8 * KiB}, {32 * KiB, 32 * KiB}}));
}

TEST_CASE("An exclusion covering the whole range leaves nothing", "[phys_pool]") {
  CHECK(subtract({16 * KiB, 16 * KiB}, {{0, 1 * MiB}}).empty());
  CHECK(subtract({16 * KiB, 16 * KiB}, {{16 * KiB, 16 * KiB}}).empty());
}

TEST_CASE("Exclusions touching the range edges do not cut it", "[phys_pool]") {
  CHECK(same(subtract({16 * KiB, 16 * KiB}, {{0, 16 * KiB}, {32 * KiB, 4 * KiB}}),
             {{16 * KiB, 16 * KiB}}));
}

TEST_CASE("Ranges and exclusions at the top of the address space do not overflow", "[phys_pool]") {
  u64 top = ~u64{0} - 0xfff;                          // last page
  CHECK(subtract({top, ~u64{0} - top}, {}).empty());  // no whole page fits below 2^64
  CHECK(subtract({top - 0x2000, 0x2000}, {{top - 0x1000, ~u64{0}}}).size() == 1);
}

TEST_CASE("More pieces than the output holds are counted", "[phys_pool]") {
  std::vector<PhysRange> ex;
  for (u64 i = 0; i < 10; ++i) ex.push_back({i * 8 * KiB + 4 * KiB, 4 * KiB});
  std::vector<PhysRange> out(4);
  CHECK(boot::subtract_ranges({0, 80 * KiB}, {ex.data(), ex.size()}, {out.data(), 4}) == 10);
  CHECK(out[3].base == 24 * KiB);
}

TEST_CASE("for_each_free_range visits every piece of a heavily cut range", "[phys_pool]") {
  std::vector<MemoryRange> map = {{0, 1 * MiB, MemoryType::Usable, 0},
                                  {1 * MiB, 1 * MiB, MemoryType::Reserved, 0}};
  std::vector<PhysRange> ex;
  for (u64 i = 0; i < 40; ++i) ex.push_back({i * 16 * KiB, 4 * KiB});  // 40 cuts
  u64 total = 0, count = 0;
  boot::for_each_free_range({map.data(), map.size()}, MemoryType::Usable, {ex.data(), ex.size()},
                            [&](PhysRange r) { total += r.length, ++count; });
  CHECK(count == 40);
  CHECK(total == 1 * MiB - 40 * 4 * KiB);
}

TEST_CASE("Sections bridge small holes and split at the PCI hole", "[phys_pool]") {
  auto sections = plan(kQ35, 64 * MiB);
  REQUIRE(sections.size() == 2);
  CHECK(sections[0].base == 0);
  CHECK(sections[0].length == 0x7f900000);  // up to the end of the loader range
  CHECK(sections[1].base == 4 * GiB);
  CHECK(sections[1].length == 4 * GiB);
}

TEST_CASE("A tiny gap limit gives a section per run of poolable memory", "[phys_pool]") {
  auto sections = plan(kQ35, 4 * KiB);
  // 0..a0000 | 100000..800000 | 808000..810000 | 900000..7f900000 (BS + loader adjacent) | 4G..
  REQUIRE(sections.size() == 5);
  CHECK(sections[2].base == 0x808000);
  CHECK(sections[2].length == 0x8000);
}

TEST_CASE("Too many sections for the table doubles the gap until they fit", "[phys_pool]") {
  std::vector<MemoryRange> map;
  for (u64 i = 0; i < 40; ++i) {
    map.push_back({i * 2 * MiB, 1 * MiB, MemoryType::Usable, 0});
    map.push_back({i * 2 * MiB + 1 * MiB, 1 * MiB, MemoryType::Reserved, 0});
  }
  auto sections = plan(map, 4 * KiB, 16);
  REQUIRE_FALSE(sections.empty());
  CHECK(sections.size() <= 16);
  CHECK(sections.front().base == 0);
  CHECK(sections.back().base + sections.back().length == 79 * MiB);
}

TEST_CASE("A map without poolable memory gives no sections", "[phys_pool]") {
  std::vector<MemoryRange> map = {{0, 1 * MiB, MemoryType::Reserved, 0},
                                  {1 * MiB, 1 * MiB, MemoryType::KernelImage, 0},
                                  {2 * MiB, 100, MemoryType::Usable, 0}};  // less than a page
  CHECK(plan(map, 64 * MiB).empty());
  CHECK(plan({}, 64 * MiB).empty());
}

TEST_CASE("Unaligned map ranges give page-aligned sections", "[phys_pool]") {
  std::vector<MemoryRange> map = {{0x1234, 0x10000, MemoryType::Usable, 0}};
  auto sections = plan(map, 64 * MiB);
  REQUIRE(sections.size() == 1);
  CHECK(sections[0].base == 0x2000);
  CHECK(sections[0].length == 0xf000);  // 0x2000..0x11000 (0x11234 rounded down)
}
