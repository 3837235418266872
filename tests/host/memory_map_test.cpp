// boot/memory_map.hpp: turning a raw UEFI memory map into the kernel's compact map.
#include <catch2/catch.hpp>
#include <cstring>
#include <ostream>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <boot/memory_map.hpp>

#include "string_sink.hpp"

using boot::check_memory_map;
using boot::classify_uefi;
using boot::MapError;
using boot::MemoryMapBuilder;
using boot::MemoryRange;
using boot::MemoryType;

namespace Catch {
template <>
struct StringMaker<MemoryType> {
  static std::string convert(MemoryType t) { return test::str(boot::memory_type_name(t)); }
};
template <>
struct StringMaker<MapError> {
  static std::string convert(MapError e) {
    return e == MapError::Full                ? "Full"
           : e == MapError::BadDescriptorSize ? "BadDescriptorSize"
                                              : "?";
  }
};
}  // namespace Catch

namespace {

constexpr u64 kPage = libk::kPageSize;
constexpr u64 kWB = boot::kEfiMemoryWriteBack;

// One firmware descriptor, in pages.
struct Desc {
  u32 type;
  u64 start;
  u64 pages;
  u64 attribute = kWB;
};

// A raw UEFI map with `stride` bytes per descriptor; the bytes past the 40-byte structure
// are garbage, as a firmware with a newer descriptor layout could leave them.
std::vector<u8> uefi_map(const std::vector<Desc>& descs, usize stride) {
  std::vector<u8> raw(descs.size() * stride, 0xA5);
  for (usize i = 0; i < descs.size(); ++i) {
    boot::UefiMemoryDescriptor d{descs[i].type,     0, descs[i].start, 0, descs[i].pages,
                                 descs[i].attribute};
    std::memcpy(raw.data() + i * stride, &d, sizeof(d));
  }
  return raw;
}

// What a range should be, for comparing whole maps.
struct R {
  u64 base;
  u64 length;
  MemoryType type;
  bool operator==(const R&) const = default;
};

std::ostream& operator<<(std::ostream& os, const R& r) {
  return os << "{" << std::hex << "0x" << r.base << "+0x" << r.length << std::dec << " "
            << test::str(boot::memory_type_name(r.type)) << "}";
}

// A builder over test-owned storage.
struct Map {
  explicit Map(usize capacity = 64) : storage(capacity), builder({storage.data(), capacity}) {}

  void add(const std::vector<Desc>& descs, usize stride = sizeof(boot::UefiMemoryDescriptor)) {
    auto raw = uefi_map(descs, stride);
    auto result = builder.add_uefi_map({raw.data(), raw.size()}, stride);
    REQUIRE(result.ok());
  }

  void set(u64 base, u64 length, MemoryType type) {
    REQUIRE(builder.set_range(base, length, type).ok());
  }

  std::vector<R> ranges() const {
    std::vector<R> out;
    for (const MemoryRange& r : builder.ranges()) out.push_back({r.base, r.length, r.type});
    return out;
  }

  std::vector<MemoryRange> storage;
  MemoryMapBuilder builder;
};

using enum MemoryType;

}  // namespace

// --- Reading the firmware map -----------------------------------------------------------------

TEST_CASE("Descriptors are read with the firmware's descriptor stride") {
  usize stride = GENERATE(40, 48, 56, 64);
  CAPTURE(stride);
  Map map;
  map.add({{boot::kEfiConventionalMemory, 0x0, 0x9f},
           {boot::kEfiACPIReclaimMemory, 0x100000, 0x10},
           {boot::kEfiRuntimeServicesData, 0x200000, 0x2}},
          stride);
  CHECK(map.ranges() == std::vector<R>{{0x0, 0x9f * kPage, Usable},
                                       {0x100000, 0x10 * kPage, AcpiReclaimable},
                                       {0x200000, 0x2 * kPage, FirmwareRuntime}});
  CHECK(map.builder.skipped() == 0);
}

TEST_CASE("Fragmented unsorted firmware map comes out sorted") {
  Map map;
  map.add({{boot::kEfiBootServicesData, 0x800000, 0x100},
           {boot::kEfiConventionalMemory, 0x100000, 0x80},
           {boot::kEfiLoaderCode, 0x400000, 0x20},
           {boot::kEfiConventionalMemory, 0x0, 0xa0},
           {boot::kEfiACPIMemoryNVS, 0x300000, 0x4}},
          56);
  CHECK(map.ranges() == std::vector<R>{{0x0, 0xa0 * kPage, Usable},
                                       {0x100000, 0x80 * kPage, Usable},
                                       {0x300000, 0x4 * kPage, AcpiNvs},
                                       {0x400000, 0x20 * kPage, LoaderReclaimable},
                                       {0x800000, 0x100 * kPage, BootServices}});
  CHECK(check_memory_map(map.builder.ranges()) == nullptr);
}

TEST_CASE("Overlapping firmware ranges: the more restrictive type wins whatever the order") {
  std::vector<Desc> descs = {{boot::kEfiConventionalMemory, 0x0, 16},
                             {boot::kEfiReservedMemoryType, 4 * kPage, 4}};
  if (GENERATE(false, true)) std::swap(descs[0], descs[1]);
  Map map;
  map.add(descs, 48);
  CHECK(map.ranges() == std::vector<R>{{0x0, 4 * kPage, Usable},
                                       {4 * kPage, 4 * kPage, Reserved},
                                       {8 * kPage, 8 * kPage, Usable}});
}

TEST_CASE("Stacked overlapping firmware ranges keep the highest-ranked type per page") {
  Map map;
  map.add({{boot::kEfiACPIMemoryNVS, 0x4000, 4},
           {boot::kEfiConventionalMemory, 0x0, 16},
           {boot::kEfiBootServicesData, 0x2000, 4},
           {boot::kEfiUnusableMemory, 0x5000, 1}});
  CHECK(map.ranges() == std::vector<R>{{0x0, 0x2000, Usable},
                                       {0x2000, 0x2000, BootServices},
                                       {0x4000, 0x1000, AcpiNvs},
                                       {0x5000, 0x1000, Bad},
                                       {0x6000, 0x2000, AcpiNvs},
                                       {0x8000, 0x8000, Usable}});
}

TEST_CASE("Descriptors with zero pages are ignored") {
  Map map;
  map.add({{boot::kEfiConventionalMemory, 0x0, 4},
           {boot::kEfiReservedMemoryType, 0x1000, 0},
           {boot::kEfiACPIMemoryNVS, 0x10000, 0}});
  CHECK(map.ranges() == std::vector<R>{{0x0, 0x4000, Usable}});
  CHECK(map.builder.skipped() == 0);
}

TEST_CASE("Descriptors whose range overflows are skipped and counted") {
  Map map;
  map.add(
      {{boot::kEfiConventionalMemory, 0x0, 4},
       {boot::kEfiConventionalMemory, 0x100000, u64{1} << 52},            // pages * 4096 overflows
       {boot::kEfiReservedMemoryType, 0xffff'ffff'ffff'e000, 2},          // ends exactly at 2^64
       {boot::kEfiMemoryMappedIO, 0xffff'ffff'f000'0000, 0x1000'0000}});  // start + length wraps
  CHECK(map.ranges() == std::vector<R>{{0x0, 0x4000, Usable}});
  CHECK(map.builder.skipped() == 3);
}

TEST_CASE("Descriptor with an unaligned start does not break the map invariants") {
  Map map;
  map.add({{boot::kEfiConventionalMemory, 0x0, 4}, {boot::kEfiACPIMemoryNVS, 0x10800, 2}});
  CHECK(check_memory_map(map.builder.ranges()) == nullptr);
}

TEST_CASE("Unaligned firmware ranges shrink if reusable and grow otherwise") {
  Map map;
  map.add({{boot::kEfiACPIMemoryNVS, 0x10800, 2}, {boot::kEfiConventionalMemory, 0x20800, 3}});
  CHECK(map.ranges() == std::vector<R>{{0x10000, 0x3000, AcpiNvs}, {0x21000, 0x2000, Usable}});
}

TEST_CASE("The last page below 2^64 is a valid range") {
  Map map;
  map.add({{boot::kEfiMemoryMappedIO, 0xffff'ffff'ffff'e000, 1}});
  CHECK(map.ranges() == std::vector<R>{{0xffff'ffff'ffff'e000, 0x1000, Mmio}});
  CHECK(map.builder.skipped() == 0);
}

TEST_CASE("Adjacent ranges of one type are merged") {
  Map map;
  map.add({{boot::kEfiConventionalMemory, 0x4000, 4},
           {boot::kEfiConventionalMemory, 0x0, 4},
           {boot::kEfiLoaderCode, 0x10000, 2},
           {boot::kEfiLoaderData, 0x12000, 2},
           {boot::kEfiBootServicesCode, 0x20000, 1},
           {boot::kEfiBootServicesData, 0x21000, 1}});
  CHECK(map.ranges() == std::vector<R>{{0x0, 0x8000, Usable},
                                       {0x10000, 0x4000, LoaderReclaimable},
                                       {0x20000, 0x2000, BootServices}});
}

TEST_CASE("Ranges of one type separated by a hole are not merged") {
  Map map;
  map.add({{boot::kEfiConventionalMemory, 0x0, 4}, {boot::kEfiConventionalMemory, 0x5000, 4}});
  CHECK(map.builder.count() == 2);
}

TEST_CASE("Adjacent ranges of different types are not merged") {
  Map map;
  map.add({{boot::kEfiConventionalMemory, 0x0, 4}, {boot::kEfiACPIReclaimMemory, 0x4000, 4}});
  CHECK(map.builder.count() == 2);
}

TEST_CASE("Descriptor size below 40 bytes is rejected") {
  Map map;
  auto raw = uefi_map({{boot::kEfiConventionalMemory, 0, 1}}, 40);
  auto result = map.builder.add_uefi_map({raw.data(), raw.size()}, 32);
  REQUIRE_FALSE(result.ok());
  CHECK(result.error() == MapError::BadDescriptorSize);
  CHECK(map.builder.count() == 0);
}

TEST_CASE("A trailing partial descriptor is ignored") {
  Map map;
  auto raw =
      uefi_map({{boot::kEfiConventionalMemory, 0, 1}, {boot::kEfiACPIMemoryNVS, 0x1000, 1}}, 48);
  raw.resize(48 + 40);  // the second descriptor's 40 bytes are there, its stride is not
  REQUIRE(map.builder.add_uefi_map({raw.data(), raw.size()}, 48).ok());
  CHECK(map.ranges() == std::vector<R>{{0x0, 0x1000, Usable}});
}

TEST_CASE("Running out of storage returns Full") {
  Map map(2);
  auto raw = uefi_map({{boot::kEfiConventionalMemory, 0x0, 1},
                       {boot::kEfiConventionalMemory, 0x2000, 1},
                       {boot::kEfiConventionalMemory, 0x4000, 1}},
                      40);
  auto result = map.builder.add_uefi_map({raw.data(), raw.size()}, 40);
  REQUIRE_FALSE(result.ok());
  CHECK(result.error() == MapError::Full);
}

TEST_CASE("A map that exactly fills the storage is built") {
  Map map(3);
  map.add({{boot::kEfiConventionalMemory, 0x0, 1},
           {boot::kEfiConventionalMemory, 0x2000, 1},
           {boot::kEfiConventionalMemory, 0x4000, 1}});
  CHECK(map.builder.count() == 3);
}

TEST_CASE("set_range splitting a range with no room left returns Full") {
  Map map(1);
  map.add({{boot::kEfiConventionalMemory, 0x0, 16}});
  auto result = map.builder.set_range(0x4000, 0x1000, KernelImage);
  REQUIRE_FALSE(result.ok());
  CHECK(result.error() == MapError::Full);
}

TEST_CASE("set_range that does not fit leaves the map unchanged") {
  Map map(2);
  map.add({{boot::kEfiConventionalMemory, 0x0, 16}});
  REQUIRE_FALSE(map.builder.set_range(0x4000, 0x1000, KernelImage).ok());
  CHECK(map.ranges() == std::vector<R>{{0x0, 0x10000, Usable}});
  // Replacing the whole range needs no extra entry, so it still fits.
  REQUIRE(map.builder.set_range(0x0, 0x10000, KernelImage).ok());
  CHECK(map.ranges() == std::vector<R>{{0x0, 0x10000, KernelImage}});
}

TEST_CASE("clear empties the map and the skipped count") {
  Map map;
  map.add({{boot::kEfiConventionalMemory, 0x0, 4}, {boot::kEfiConventionalMemory, 0x0, ~u64{0}}});
  REQUIRE(map.builder.skipped() == 1);
  map.builder.clear();
  CHECK(map.builder.count() == 0);
  CHECK(map.builder.skipped() == 0);
}

// --- set_range overlays -----------------------------------------------------------------------

TEST_CASE("set_range inside one range splits it into three") {
  Map map;
  map.add({{boot::kEfiConventionalMemory, 0x0, 16}});
  map.set(0x4000, 0x2000, KernelImage);
  CHECK(map.ranges() == std::vector<R>{{0x0, 0x4000, Usable},
                                       {0x4000, 0x2000, KernelImage},
                                       {0x6000, 0xa000, Usable}});
}

TEST_CASE("set_range at the start or end of a range splits it into two") {
  Map map;
  map.add({{boot::kEfiConventionalMemory, 0x0, 16}});
  map.set(0x0, 0x1000, Reserved);
  map.set(0xf000, 0x1000, KernelImage);
  CHECK(map.ranges() == std::vector<R>{{0x0, 0x1000, Reserved},
                                       {0x1000, 0xe000, Usable},
                                       {0xf000, 0x1000, KernelImage}});
}

TEST_CASE("set_range over a hole adds a range (framebuffer outside RAM)") {
  Map map;
  map.add({{boot::kEfiConventionalMemory, 0x0, 0x9f},
           {boot::kEfiConventionalMemory, 0x100000, 0x7000}});
  map.set(0x8000'0000, 0x30'0000, Framebuffer);
  map.set(0xa'0000, 0x2'0000, Framebuffer);  // the legacy VGA window, between the two
  CHECK(map.ranges() == std::vector<R>{{0x0, 0x9f000, Usable},
                                       {0xa'0000, 0x2'0000, Framebuffer},
                                       {0x100000, 0x7000000, Usable},
                                       {0x8000'0000, 0x30'0000, Framebuffer}});
}

TEST_CASE("set_range across several ranges and holes replaces them and trims the ends") {
  Map map;
  map.add({{boot::kEfiConventionalMemory, 0x0, 4},
           {boot::kEfiACPIReclaimMemory, 0x4000, 2},
           {boot::kEfiConventionalMemory, 0x8000, 4},
           {boot::kEfiACPIMemoryNVS, 0xc000, 4}});
  map.set(0x2000, 0xc000, Reserved);
  CHECK(map.ranges() == std::vector<R>{{0x0, 0x2000, Usable},
                                       {0x2000, 0xc000, Reserved},
                                       {0xe000, 0x2000, AcpiNvs}});
}

TEST_CASE("set_range of the type around it merges back into one range") {
  Map map;
  map.add({{boot::kEfiConventionalMemory, 0x0, 4},
           {boot::kEfiACPIReclaimMemory, 0x4000, 2},
           {boot::kEfiConventionalMemory, 0x6000, 4}});
  map.set(0x4000, 0x2000, Usable);
  CHECK(map.ranges() == std::vector<R>{{0x0, 0xa000, Usable}});
}

TEST_CASE("set_range exactly over an existing range replaces its type") {
  Map map;
  map.add({{boot::kEfiConventionalMemory, 0x0, 4},
           {boot::kEfiLoaderData, 0x4000, 4},
           {boot::kEfiConventionalMemory, 0x8000, 4}});
  map.set(0x4000, 0x4000, KernelImage);
  CHECK(map.ranges() == std::vector<R>{{0x0, 0x4000, Usable},
                                       {0x4000, 0x4000, KernelImage},
                                       {0x8000, 0x4000, Usable}});
}

TEST_CASE("set_range of length zero changes nothing") {
  Map map;
  map.add({{boot::kEfiConventionalMemory, 0x0, 4}});
  map.set(0x1000, 0, KernelImage);
  CHECK(map.ranges() == std::vector<R>{{0x0, 0x4000, Usable}});
}

TEST_CASE("set_range on an empty map creates the first range") {
  Map map;
  map.set(0x1000, 0x1000, Framebuffer);
  CHECK(map.ranges() == std::vector<R>{{0x1000, 0x1000, Framebuffer}});
}

// --- classify_uefi ----------------------------------------------------------------------------

TEST_CASE("UEFI memory types map to kernel types") {
  struct Case {
    u32 uefi;
    MemoryType expected;
  };
  const Case cases[] = {
      {boot::kEfiConventionalMemory, Usable},
      {boot::kEfiBootServicesCode, BootServices},
      {boot::kEfiBootServicesData, BootServices},
      {boot::kEfiLoaderCode, LoaderReclaimable},
      {boot::kEfiLoaderData, LoaderReclaimable},
      {boot::kEfiACPIReclaimMemory, AcpiReclaimable},
      {boot::kEfiACPIMemoryNVS, AcpiNvs},
      {boot::kEfiRuntimeServicesCode, FirmwareRuntime},
      {boot::kEfiRuntimeServicesData, FirmwareRuntime},
      {boot::kEfiUnusableMemory, Bad},
      {boot::kEfiMemoryMappedIO, Mmio},
      {boot::kEfiMemoryMappedIOPortSpace, Mmio},
      {boot::kEfiPersistentMemory, Persistent},
  };
  for (const Case& c : cases) {
    CAPTURE(c.uefi);
    CHECK(classify_uefi(c.uefi, kWB) == c.expected);
    CHECK(classify_uefi(c.uefi, 0) == c.expected);
  }
}

TEST_CASE("Reserved memory that supports write-back is Reserved") {
  CHECK(classify_uefi(boot::kEfiReservedMemoryType, kWB) == Reserved);
  CHECK(classify_uefi(boot::kEfiReservedMemoryType, kWB | 0x1) == Reserved);
}

TEST_CASE("Reserved memory without write-back is classified as Mmio") {
  CHECK(classify_uefi(boot::kEfiReservedMemoryType, 0) == Mmio);
  CHECK(classify_uefi(boot::kEfiReservedMemoryType, 0x1) == Mmio);  // UC only
}

TEST_CASE("PAL code, unaccepted and OEM types are treated like reserved memory") {
  for (u32 type :
       {u32(boot::kEfiPalCode), u32(boot::kEfiUnacceptedMemoryType), 0x7000'0000u, 0x8000'0001u}) {
    CAPTURE(type);
    CHECK(classify_uefi(type, kWB) == Reserved);
    CHECK(classify_uefi(type, 0) == Mmio);
  }
}

TEST_CASE("Reserved descriptor without write-back becomes an Mmio range") {
  Map map;
  map.add({{boot::kEfiReservedMemoryType, 0xb000'0000, 0x10000, 0x1}});
  CHECK(map.ranges() == std::vector<R>{{0xb000'0000, 0x1000'0000, Mmio}});
}

// --- check_memory_map -------------------------------------------------------------------------

TEST_CASE("check_memory_map accepts an empty map") { CHECK(check_memory_map({}) == nullptr); }

TEST_CASE("check_memory_map accepts a built map") {
  Map map;
  map.add({{boot::kEfiConventionalMemory, 0x0, 0x9f},
           {boot::kEfiReservedMemoryType, 0x9f000, 0x61, 0},
           {boot::kEfiConventionalMemory, 0x100000, 0x700},
           {boot::kEfiBootServicesData, 0x200000, 0x10}});
  map.set(0x300000, 0x20000, KernelImage);
  map.set(0xe000'0000, 0x40'0000, Framebuffer);
  CHECK(check_memory_map(map.builder.ranges()) == nullptr);
}

namespace {

std::string problem_of(std::vector<MemoryRange> ranges) {
  const char* problem = check_memory_map({ranges.data(), ranges.size()});
  return problem ? problem : "(valid)";
}

}  // namespace

TEST_CASE("check_memory_map rejects an empty range") {
  CHECK(problem_of({{0x0, 0x1000, Usable, 0}, {0x2000, 0, Reserved, 0}}) == "empty range");
}

TEST_CASE("check_memory_map rejects a range with an unaligned base or length") {
  CHECK(problem_of({{0x800, 0x1000, Usable, 0}}) == "range not page-aligned");
  CHECK(problem_of({{0x1000, 0x1800, Usable, 0}}) == "range not page-aligned");
}

TEST_CASE("check_memory_map rejects unknown range types") {
  CHECK(problem_of({{0x0, 0x1000, MemoryType(0), 0}}) == "unknown range type");
  CHECK(problem_of({{0x0, 0x1000, MemoryType(13), 0}}) == "unknown range type");
}

TEST_CASE("check_memory_map rejects a range that wraps around") {
  CHECK(problem_of({{0xffff'ffff'ffff'f000, 0x2000, Mmio, 0}}) == "range wraps around");
}

TEST_CASE("check_memory_map rejects unsorted ranges") {
  CHECK(problem_of({{0x4000, 0x1000, Usable, 0}, {0x0, 0x1000, Reserved, 0}}) ==
        "ranges unsorted or overlapping");
}

TEST_CASE("check_memory_map rejects overlapping ranges") {
  CHECK(problem_of({{0x0, 0x2000, Usable, 0}, {0x1000, 0x1000, Reserved, 0}}) ==
        "ranges unsorted or overlapping");
}

TEST_CASE("check_memory_map rejects adjacent ranges of one type") {
  CHECK(problem_of({{0x0, 0x1000, Usable, 0}, {0x1000, 0x1000, Usable, 0}}) ==
        "adjacent ranges of one type not merged");
}

TEST_CASE("check_memory_map accepts adjacent ranges of different types") {
  CHECK(problem_of({{0x0, 0x1000, Usable, 0}, {0x1000, 0x1000, Reserved, 0}}) == "(valid)");
}

// --- Summaries --------------------------------------------------------------------------------

TEST_CASE("total_bytes sums the ranges whose type matches") {
  Map map;
  map.add({{boot::kEfiConventionalMemory, 0x0, 0x10},
           {boot::kEfiBootServicesData, 0x10000, 0x8},
           {boot::kEfiConventionalMemory, 0x100000, 0x20}});
  map.set(0xe000'0000, 0x10'0000, Framebuffer);
  auto ranges = map.builder.ranges();
  CHECK(boot::total_bytes(ranges, [](MemoryType t) { return t == Usable; }) == 0x30 * kPage);
  CHECK(boot::total_bytes(ranges, boot::is_ram) == 0x38 * kPage);
  CHECK(boot::total_bytes(ranges, [](MemoryType) { return false; }) == 0);
}

TEST_CASE("Every memory type has its own name") {
  std::set<std::string> names;
  for (u32 t = u32(Usable); t <= u32(Persistent); ++t) {
    std::string name = test::str(boot::memory_type_name(MemoryType(t)));
    CHECK(name != "unknown");
    names.insert(name);
  }
  CHECK(names.size() == 12);
}

// --- Property: the builder against a page-by-page reference model ----------------------------

namespace {

// The documented precedence where firmware ranges overlap, lowest first.
int reference_rank(MemoryType t) {
  const MemoryType order[] = {Usable,     BootServices, LoaderReclaimable, AcpiReclaimable,
                              Persistent, KernelImage,  Framebuffer,       FirmwareRuntime,
                              AcpiNvs,    Mmio,         Reserved,          Bad};
  for (int i = 0; i < 12; ++i)
    if (order[i] == t) return i;
  FAIL("no rank for type " << u32(t));
  return -1;
}

constexpr u64 kModelPages = 96;
constexpr u32 kNone = 0;

// Per page of [0, kModelPages): the MemoryType as u32, or kNone.
using PageTypes = std::vector<u32>;

void model_set(PageTypes& pages, u64 first, u64 count, MemoryType type, bool by_rank) {
  for (u64 p = first; p < first + count; ++p) {
    if (by_rank && pages[p] != kNone &&
        reference_rank(MemoryType(pages[p])) >= reference_rank(type))
      continue;
    pages[p] = u32(type);
  }
}

PageTypes expand(libk::Span<const MemoryRange> ranges) {
  PageTypes pages(kModelPages, kNone);
  for (const MemoryRange& r : ranges) {
    REQUIRE(r.end() <= kModelPages * kPage);
    for (u64 p = r.base / kPage; p < r.end() / kPage; ++p) pages[p] = u32(r.type);
  }
  return pages;
}

}  // namespace

TEST_CASE("Random firmware maps build valid maps that keep the highest-ranked type per page") {
  std::mt19937_64 rng(0x5eed'e3be'12);
  auto below = [&](u64 n) { return u64(rng() % n); };
  const u32 uefi_types[] = {0, 1, 2,  3,  4,  5,  6,  7,  7,          7,
                            8, 9, 10, 11, 12, 13, 14, 15, 0x8000'0000};
  const usize strides[] = {40, 48, 56, 64};

  for (int iteration = 0; iteration < 3000; ++iteration) {
    CAPTURE(iteration);
    PageTypes model(kModelPages, kNone);
    u32 expected_skipped = 0;
    std::vector<Desc> descs(below(13));
    for (Desc& d : descs) {
      d.type = uefi_types[below(std::size(uefi_types))];
      d.attribute = below(4) ? kWB : 0;
      d.start = below(80) * kPage;
      d.pages = below(17);
      if (below(25) == 0) {  // an overflowing descriptor
        d.pages = u64{1} << (52 + below(12));
        ++expected_skipped;
        continue;
      }
      model_set(model, d.start / kPage, d.pages, classify_uefi(d.type, d.attribute), true);
    }

    Map map(128);
    usize stride = strides[below(std::size(strides))];
    auto raw = uefi_map(descs, stride);
    REQUIRE(map.builder.add_uefi_map({raw.data(), raw.size()}, stride).ok());

    for (u64 overlays = below(3); overlays > 0; --overlays) {
      u64 first = below(kModelPages);
      u64 count = below(kModelPages - first + 1);
      auto type = MemoryType(1 + below(12));
      REQUIRE(map.builder.set_range(first * kPage, count * kPage, type).ok());
      model_set(model, first, count, type, false);
    }

    const char* problem = check_memory_map(map.builder.ranges());
    INFO("map: " << ::Catch::Detail::stringify(map.ranges()));
    REQUIRE(problem == nullptr);
    REQUIRE(expand(map.builder.ranges()) == model);
    REQUIRE(map.builder.skipped() == expected_skipped);
  }
}
