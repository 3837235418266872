// hal/paging.hpp: the page-table builder, driven over a fake physical memory.
#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <vector>

#include <hal/paging.hpp>

#include "string_sink.hpp"

using hal::paging::MapError;
using hal::paging::PageSize;
using hal::paging::PageTables;
using hal::paging::Permissions;
using hal::paging::Translation;
namespace pg = hal::paging;

namespace Catch {
template <>
struct StringMaker<MapError> {
  static std::string convert(MapError e) { return test::str(pg::map_error_text(e)); }
};
template <>
struct StringMaker<PageSize> {
  static std::string convert(PageSize s) {
    return s == PageSize::Size4K ? "4K" : s == PageSize::Size2M ? "2M" : "1G";
  }
};
}  // namespace Catch

namespace {

// Page-table frames at fake physical addresses kBase, kBase + 4 KiB, ...: frame contents
// start as garbage, so only allocate_table's zeroing makes a table empty.
class FakePhysicalMemory final : public pg::TableMemory {
 public:
  static constexpr u64 kBase = 0x10'0000;

  explicit FakePhysicalMemory(usize frames) : frames_(frames) {
    for (Frame& f : frames_)
      for (u64& e : f.entries) e = 0xdead'beef'dead'beef;
  }

  libk::Optional<u64> allocate_table() override {
    if (used_ == frames_.size()) return libk::nullopt;
    frames_[used_] = Frame{};
    return kBase + used_++ * pg::kSize4K;
  }

  // An address that is not an allocated frame is a builder bug: count it, hand out scratch.
  u64* table_at(u64 phys) override {
    u64 frame = (phys - kBase) / pg::kSize4K;
    if (phys < kBase || phys % pg::kSize4K != 0 || frame >= used_) {
      ++bad_accesses_;
      scratch_ = Frame{};
      return scratch_.entries;
    }
    return frames_[frame].entries;
  }

  usize used() const { return used_; }
  usize bad_accesses() const { return bad_accesses_; }

 private:
  struct alignas(4096) Frame {
    u64 entries[512];
  };
  std::vector<Frame> frames_;
  Frame scratch_{};
  usize used_ = 0;
  usize bad_accesses_ = 0;
};

constexpr u64 k4K = pg::kSize4K;
constexpr u64 k2M = pg::kSize2M;
constexpr u64 k1G = pg::kSize1G;
constexpr u64 kDirectMap = 0xffff'8000'0000'0000;
constexpr u64 kKernel = 0xffff'ffff'8000'0000;

constexpr Permissions kReadOnly{};
constexpr Permissions kReadWrite{.writable = true};
constexpr Permissions kExecute{.executable = true};

struct Fixture {
  explicit Fixture(usize frames = 64) : memory(frames), tables(make(memory)) {}

  static PageTables make(FakePhysicalMemory& memory) {
    auto result = PageTables::create(memory);
    REQUIRE(result.ok());
    return result.release_value();
  }

  void map(u64 virt, u64 phys, u64 size, Permissions perms = kReadWrite,
           PageSize largest = PageSize::Size1G) {
    auto result = tables.map(virt, phys, size, perms, largest);
    if (!result.ok()) FAIL("map failed: " << test::str(pg::map_error_text(result.error())));
  }

  MapError map_error(u64 virt, u64 phys, u64 size, PageSize largest = PageSize::Size1G) {
    auto result = tables.map(virt, phys, size, kReadWrite, largest);
    REQUIRE_FALSE(result.ok());
    return result.error();
  }

  Translation translate(u64 virt) const {
    auto t = tables.translate(virt);
    REQUIRE(t.has_value());
    return *t;
  }

  FakePhysicalMemory memory;
  PageTables tables;
};

}  // namespace

// --- Page size choice -------------------------------------------------------------------------

TEST_CASE("Range aligned only to 4 KiB is mapped with 4 KiB pages") {
  Fixture f;
  f.map(kKernel + 0x1000, 0x20'1000, 0x3000);
  for (u64 i = 0; i < 3; ++i) {
    Translation t = f.translate(kKernel + 0x1000 + i * k4K);
    CHECK(t.size == PageSize::Size4K);
    CHECK(t.physical == 0x20'1000 + i * k4K);
  }
  CHECK_FALSE(f.tables.translate(kKernel + 0x4000).has_value());
  CHECK(f.memory.bad_accesses() == 0);
}

TEST_CASE("Range aligned to 2 MiB is mapped with 2 MiB pages") {
  Fixture f;
  f.map(kDirectMap + k2M, 2 * k2M, 2 * k2M, kReadWrite, PageSize::Size2M);
  CHECK(f.translate(kDirectMap + k2M).size == PageSize::Size2M);
  CHECK(f.translate(kDirectMap + 2 * k2M).size == PageSize::Size2M);
  CHECK(f.tables.tables_allocated() == 3);  // PML4, PDPT, PD: no page tables
}

TEST_CASE("Range aligned to 1 GiB is mapped with a 1 GiB page") {
  Fixture f;
  f.map(kDirectMap + k1G, k1G, k1G, kReadWrite, PageSize::Size1G);
  Translation t = f.translate(kDirectMap + k1G + 0x1234'5678);
  CHECK(t.size == PageSize::Size1G);
  CHECK(t.physical == k1G + 0x1234'5678);
  CHECK(f.tables.tables_allocated() == 2);  // PML4, PDPT
}

TEST_CASE("Largest page size caps the page size used") {
  Fixture f;
  f.map(kDirectMap, 0, k1G, kReadWrite, PageSize::Size2M);
  CHECK(f.translate(kDirectMap).size == PageSize::Size2M);
  CHECK(f.translate(kDirectMap + k1G - 1).size == PageSize::Size2M);

  Fixture g;
  g.map(kDirectMap, 0, k2M, kReadWrite, PageSize::Size4K);
  CHECK(g.translate(kDirectMap + k2M - 1).size == PageSize::Size4K);
  CHECK(g.tables.tables_allocated() == 4);
}

TEST_CASE("Physical alignment limits the page size as much as virtual alignment") {
  Fixture f;
  f.map(kDirectMap, 0x1000, k2M, kReadWrite, PageSize::Size1G);
  CHECK(f.translate(kDirectMap).size == PageSize::Size4K);
  Fixture g;
  g.map(kDirectMap + 0x1000, 0, k2M, kReadWrite, PageSize::Size1G);
  CHECK(g.translate(kDirectMap + 0x1000).size == PageSize::Size4K);
}

TEST_CASE("A range too short for a large page uses smaller pages") {
  Fixture f;
  f.map(kDirectMap, 0, k2M - k4K, kReadWrite, PageSize::Size1G);
  CHECK(f.translate(kDirectMap).size == PageSize::Size4K);
  CHECK_FALSE(f.tables.translate(kDirectMap + k2M - k4K).has_value());
}

TEST_CASE("An unaligned range steps up to large pages and back down") {
  Fixture f;
  u64 start = k1G - k2M - k4K;  // 4K page, 2M page, 1G page, 2M page, 4K page
  u64 size = k4K + k2M + k1G + k2M + k4K;
  f.map(kDirectMap + start, start, size, kReadWrite, PageSize::Size1G);
  struct Expect {
    u64 offset;
    PageSize size;
  };
  for (Expect e : {Expect{0, PageSize::Size4K}, Expect{k4K, PageSize::Size2M},
                   Expect{k4K + k2M, PageSize::Size1G}, Expect{k4K + k2M + k1G, PageSize::Size2M},
                   Expect{k4K + 2 * k2M + k1G, PageSize::Size4K}}) {
    CAPTURE(e.offset);
    Translation t = f.translate(kDirectMap + start + e.offset);
    CHECK(t.size == e.size);
    CHECK(t.physical == start + e.offset);
  }
  CHECK_FALSE(f.tables.translate(kDirectMap + start + size).has_value());
}

// --- translate --------------------------------------------------------------------------------

TEST_CASE("translate keeps the offset within a 4 KiB page") {
  Fixture f;
  f.map(kKernel, 0x7000, k4K);
  CHECK(f.translate(kKernel + 0xabc).physical == 0x7abc);
}

TEST_CASE("translate keeps the offset within a 2 MiB page") {
  Fixture f;
  f.map(kDirectMap + 4 * k2M, 8 * k2M, k2M, kReadWrite, PageSize::Size2M);
  CHECK(f.translate(kDirectMap + 4 * k2M + 0x1'2345).physical == 8 * k2M + 0x1'2345);
}

TEST_CASE("translate of an unmapped address finds nothing") {
  Fixture f;
  CHECK_FALSE(f.tables.translate(kKernel).has_value());
  f.map(kKernel, 0x7000, k4K);
  CHECK_FALSE(f.tables.translate(kKernel + k4K).has_value());          // same page table
  CHECK_FALSE(f.tables.translate(kKernel + k1G).has_value());          // no page directory
  CHECK_FALSE(f.tables.translate(0x0000'0000'0040'0000).has_value());  // no PDPT
}

TEST_CASE("translate of a non-canonical address finds nothing") {
  Fixture f;
  CHECK_FALSE(f.tables.translate(0x0000'8000'0000'0000).has_value());
  CHECK_FALSE(f.tables.translate(0xfff0'0000'0000'0000).has_value());
}

TEST_CASE("Tables wrapped from an existing root see earlier mappings") {
  Fixture f;
  f.map(kKernel, 0x7000, k4K);
  PageTables again(f.memory, f.tables.root());
  auto t = again.translate(kKernel + 8);
  REQUIRE(t.has_value());
  CHECK(t->physical == 0x7008);
}

// --- Permissions and cache types in the leaf entry --------------------------------------------

TEST_CASE("Leaf of a non-executable mapping has NX set") {
  Fixture f;
  f.map(kKernel, 0x7000, k4K, kReadOnly);
  CHECK((f.translate(kKernel).flags & pg::kNoExecute) != 0);
}

TEST_CASE("Leaf of an executable mapping has NX clear") {
  Fixture f;
  f.map(kKernel, 0x7000, k4K, kExecute);
  CHECK((f.translate(kKernel).flags & pg::kNoExecute) == 0);
}

TEST_CASE("Leaf is writable only when the mapping is writable") {
  Fixture f;
  f.map(kKernel, 0x7000, k4K, kReadOnly);
  f.map(kKernel + k4K, 0x8000, k4K, kReadWrite);
  f.map(kKernel + 2 * k4K, 0x9000, k4K, kExecute);
  CHECK((f.translate(kKernel).flags & pg::kWritable) == 0);
  CHECK((f.translate(kKernel + k4K).flags & pg::kWritable) != 0);
  CHECK((f.translate(kKernel + 2 * k4K).flags & pg::kWritable) == 0);
}

TEST_CASE("Leaf is present, and user or global only when asked") {
  Fixture f;
  f.map(kKernel, 0x7000, k4K, kReadOnly);
  f.map(kKernel + k4K, 0x8000, k4K, Permissions{.user = true, .global = true});
  u64 plain = f.translate(kKernel).flags;
  u64 marked = f.translate(kKernel + k4K).flags;
  CHECK((plain & pg::kPresent) != 0);
  CHECK((plain & (pg::kUser | pg::kGlobal)) == 0);
  CHECK((marked & pg::kUser) != 0);
  CHECK((marked & pg::kGlobal) != 0);
}

TEST_CASE("Large-page leaves have the page-size bit, 4 KiB leaves do not") {
  Fixture f;
  f.map(kDirectMap, 0, k2M, kReadWrite, PageSize::Size2M);
  f.map(kDirectMap + k1G, k1G, k1G, kReadWrite, PageSize::Size1G);
  f.map(kKernel, 0x7000, k4K, kReadWrite);
  CHECK((f.translate(kDirectMap).flags & pg::kHuge) != 0);
  CHECK((f.translate(kDirectMap + k1G).flags & pg::kHuge) != 0);
  CHECK((f.translate(kKernel).flags & pg::kHuge) == 0);
}

TEST_CASE("Translated flags do not include address bits") {
  Fixture f;
  f.map(kKernel, 0x000f'ffff'ffff'f000, k4K, kExecute);
  Translation t = f.translate(kKernel);
  CHECK(t.physical == 0x000f'ffff'ffff'f000);
  CHECK((t.flags & pg::kAddressMask) == 0);
}

TEST_CASE("Cache types select PWT and PCD in a 4 KiB leaf") {
  Fixture f;
  f.map(kKernel, 0x7000, k4K, Permissions{.cache = pg::Cache::WriteBack});
  f.map(kKernel + k4K, 0x8000, k4K, Permissions{.cache = pg::Cache::WriteThrough});
  f.map(kKernel + 2 * k4K, 0x9000, k4K, Permissions{.cache = pg::Cache::Uncached});
  constexpr u64 kCacheBits = pg::kWriteThrough | pg::kCacheDisable | pg::kPat4K;
  CHECK((f.translate(kKernel).flags & kCacheBits) == 0);
  CHECK((f.translate(kKernel + k4K).flags & kCacheBits) == pg::kWriteThrough);
  CHECK((f.translate(kKernel + 2 * k4K).flags & kCacheBits) ==
        (pg::kWriteThrough | pg::kCacheDisable));
}

TEST_CASE("Write-combining sets the PAT bit of a 4 KiB leaf") {
  Fixture f;
  f.map(kKernel, 0x7000, k4K, Permissions{.cache = pg::Cache::WriteCombining});
  constexpr u64 kCacheBits = pg::kWriteThrough | pg::kCacheDisable | pg::kPat4K;
  CHECK((f.translate(kKernel).flags & kCacheBits) == pg::kPat4K);
}

TEST_CASE("Write-combining large pages use the large-page PAT bit") {
  CHECK(PageTables::leaf_flags({.cache = pg::Cache::WriteCombining}, PageSize::Size2M) &
        pg::kPatLarge);
  CHECK(PageTables::leaf_flags({.cache = pg::Cache::WriteCombining}, PageSize::Size1G) &
        pg::kPatLarge);
  // Bit 7 of a large-page entry is the page-size bit, not PAT.
  CHECK(PageTables::leaf_flags({.cache = pg::Cache::WriteBack}, PageSize::Size2M) ==
        (pg::kPresent | pg::kHuge | pg::kNoExecute));
}

TEST_CASE("Write-combining 2 MiB page translates to its frame, not frame + PAT bit") {
  Fixture f;
  f.map(kDirectMap, 4 * k2M, k2M, Permissions{.cache = pg::Cache::WriteCombining},
        PageSize::Size2M);
  CHECK(f.translate(kDirectMap + 0x10).physical == 4 * k2M + 0x10);
}

TEST_CASE("Translated flags of a large page include its PAT bit") {
  Fixture f;
  f.map(kDirectMap, 4 * k2M, k2M, Permissions{.cache = pg::Cache::WriteCombining},
        PageSize::Size2M);
  CHECK((f.translate(kDirectMap).flags & pg::kPatLarge) != 0);
}

// --- Errors -----------------------------------------------------------------------------------

TEST_CASE("Mapping a page twice fails with AlreadyMapped") {
  Fixture f;
  f.map(kKernel, 0x7000, k4K);
  CHECK(f.map_error(kKernel, 0x8000, k4K) == MapError::AlreadyMapped);
  CHECK(f.translate(kKernel).physical == 0x7000);
}

TEST_CASE("Mapping a 4 KiB page inside a large page fails with AlreadyMapped") {
  Fixture f;
  f.map(kDirectMap, 0, k2M, kReadWrite, PageSize::Size2M);
  f.map(kDirectMap + k1G, k1G, k1G, kReadWrite, PageSize::Size1G);
  CHECK(f.map_error(kDirectMap + 0x5000, 0x5000, k4K) == MapError::AlreadyMapped);
  CHECK(f.map_error(kDirectMap + k1G + k2M, 0, k2M) == MapError::AlreadyMapped);
}

TEST_CASE("Mapping a large page over mapped 4 KiB pages fails with AlreadyMapped") {
  Fixture f;
  f.map(kDirectMap + 0x3000, 0x3000, k4K);
  CHECK(f.map_error(kDirectMap, 0, k2M, PageSize::Size2M) == MapError::AlreadyMapped);
  CHECK(f.map_error(kDirectMap, 0, k1G, PageSize::Size1G) == MapError::AlreadyMapped);
}

TEST_CASE("A failing map keeps the pages it mapped before the conflict") {
  Fixture f;
  f.map(kKernel + k4K, 0x9000, k4K);
  CHECK(f.map_error(kKernel, 0x7000, 2 * k4K) == MapError::AlreadyMapped);
  CHECK(f.translate(kKernel).physical == 0x7000);
  CHECK(f.translate(kKernel + k4K).physical == 0x9000);
}

TEST_CASE("Unaligned virtual address, physical address or size fails with Misaligned") {
  Fixture f;
  CHECK(f.map_error(kKernel + 0x10, 0x7000, k4K) == MapError::Misaligned);
  CHECK(f.map_error(kKernel, 0x7010, k4K) == MapError::Misaligned);
  CHECK(f.map_error(kKernel, 0x7000, k4K + 1) == MapError::Misaligned);
  CHECK(f.tables.tables_allocated() == 1);
}

TEST_CASE("Address in the non-canonical hole fails with NotCanonical") {
  Fixture f;
  CHECK(f.map_error(0x0000'8000'0000'0000, 0, k4K) == MapError::NotCanonical);
  CHECK(f.map_error(0xffff'7fff'ffff'f000, 0, k4K) == MapError::NotCanonical);
}

TEST_CASE("Range running from the lower half into the hole fails with NotCanonical") {
  Fixture f;
  CHECK(f.map_error(0x0000'7fff'ffff'f000, 0, 2 * k4K) == MapError::NotCanonical);
  CHECK_FALSE(f.tables.translate(0x0000'7fff'ffff'f000).has_value());
}

TEST_CASE("Range spanning the whole hole from lower to higher half fails with NotCanonical") {
  Fixture f;
  u64 virt = 0x0000'7fff'ffff'f000;
  u64 size = kDirectMap - virt + k4K;  // ends inside the first higher-half page
  CHECK(f.map_error(virt, 0, size) == MapError::NotCanonical);
}

TEST_CASE("Range wrapping past the top of the address space fails with NotCanonical") {
  Fixture f;
  CHECK(f.map_error(0xffff'ffff'ffff'f000, 0, 2 * k4K) == MapError::NotCanonical);
}

TEST_CASE("Pages at the edges of the canonical halves can be mapped") {
  Fixture f;
  f.map(0x0000'7fff'ffff'f000, 0x1000, k4K);
  f.map(kDirectMap, 0x2000, k4K);
  f.map(0xffff'ffff'ffff'f000, 0x3000, k4K);
  CHECK(f.translate(0x0000'7fff'ffff'f000).physical == 0x1000);
  CHECK(f.translate(kDirectMap).physical == 0x2000);
  CHECK(f.translate(0xffff'ffff'ffff'ffff).physical == 0x3fff);
}

TEST_CASE("Creating tables without memory fails with OutOfMemory") {
  FakePhysicalMemory memory(0);
  auto result = PageTables::create(memory);
  REQUIRE_FALSE(result.ok());
  CHECK(result.error() == MapError::OutOfMemory);
}

TEST_CASE("Mapping fails with OutOfMemory when the table frames run out") {
  usize frames = GENERATE(1, 2, 3);  // a 4 KiB page needs 4: PML4, PDPT, PD, PT
  Fixture f(frames);
  CHECK(f.map_error(kKernel, 0x7000, k4K) == MapError::OutOfMemory);
  CHECK(f.tables.tables_allocated() == frames);
  CHECK_FALSE(f.tables.translate(kKernel).has_value());
}

TEST_CASE("Mapping succeeds with exactly the table frames it needs") {
  Fixture f(4);
  f.map(kKernel, 0x7000, k4K);
  CHECK(f.tables.tables_allocated() == 4);
  CHECK(f.map_error(kDirectMap, 0, k4K) == MapError::OutOfMemory);
}

// --- Table accounting -------------------------------------------------------------------------

TEST_CASE("tables_allocated counts the root and every new table") {
  Fixture f;
  CHECK(f.tables.tables_allocated() == 1);
  f.map(kKernel, 0x7000, k4K);
  CHECK(f.tables.tables_allocated() == 4);
  f.map(kKernel + k4K, 0x8000, k4K);  // same page table
  CHECK(f.tables.tables_allocated() == 4);
  f.map(kKernel + k2M, 0x9000, k4K);  // new page table
  CHECK(f.tables.tables_allocated() == 5);
  f.map(kKernel - k1G, 0xa000, k4K);  // same PDPT, new PD and page table
  CHECK(f.tables.tables_allocated() == 7);
  f.map(kDirectMap, 0xb000, k4K);  // new PDPT, PD and page table
  CHECK(f.tables.tables_allocated() == 10);
  CHECK(f.memory.used() == 10);
  CHECK(f.memory.bad_accesses() == 0);
}

TEST_CASE("Mapping nothing allocates nothing") {
  Fixture f;
  CHECK(f.tables.map(kKernel, 0x7000, 0, kReadWrite).ok());
  CHECK(f.tables.tables_allocated() == 1);
}

TEST_CASE("is_canonical accepts exactly the two halves") {
  CHECK(pg::is_canonical(0));
  CHECK(pg::is_canonical(0x0000'7fff'ffff'ffff));
  CHECK_FALSE(pg::is_canonical(0x0000'8000'0000'0000));
  CHECK_FALSE(pg::is_canonical(0xffff'7fff'ffff'ffff));
  CHECK(pg::is_canonical(0xffff'8000'0000'0000));
  CHECK(pg::is_canonical(~u64{0}));
}

TEST_CASE("Every page-table error has its own text") {
  std::set<std::string> texts;
  for (MapError e : {MapError::OutOfMemory, MapError::Misaligned, MapError::AlreadyMapped,
                     MapError::NotCanonical, MapError::NotMapped})
    texts.insert(test::str(pg::map_error_text(e)));
  CHECK(texts.size() == 5);
}
