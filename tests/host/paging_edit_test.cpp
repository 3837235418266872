// Changing mappings with hal::paging::PageTables (unmap, protect, guard pages, large-page
// splitting) and classifying page faults, against a fake physical memory.
#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <random>
#include <vector>

#include <hal/page_fault.hpp>
#include <hal/paging.hpp>

namespace {

using namespace hal::paging;

constexpr u64 KiB = 1024, MiB = 1024 * KiB, GiB = 1024 * MiB;
constexpr u64 kVa = 0xffff'c000'0000'0000ull;

class FakeMemory final : public TableMemory {
 public:
  explicit FakeMemory(usize limit = 100000) : limit_(limit) {}
  libk::Optional<u64> allocate_table() override {
    if (tables_.size() >= limit_) return libk::nullopt;
    u64 phys = 0x10'0000'0000ull + next_++ * 4096;
    tables_[phys] = std::make_unique<u64[]>(512);  // zero-filled
    return phys;
  }
  u64* table_at(u64 phys) override {
    auto it = tables_.find(phys);
    REQUIRE(it != tables_.end());
    return it->second.get();
  }
  void free_table(u64 phys) override {
    auto it = tables_.find(phys);
    REQUIRE(it != tables_.end());
    for (int i = 0; i < 512; ++i) REQUIRE(it->second[i] == 0);  // only empty tables come back
    tables_.erase(it);
  }
  usize tables() const { return tables_.size(); }
  void set_limit(usize limit) { limit_ = limit; }

 private:
  usize limit_;
  u64 next_ = 0;
  std::map<u64, std::unique_ptr<u64[]>> tables_;
};

struct Fixture {
  FakeMemory memory;
  PageTables tables = PageTables::create(memory).release_value();
};

constexpr Permissions kRw{.writable = true};
constexpr Permissions kRx{.executable = true};
constexpr Permissions kRo{};

}  // namespace

TEST_CASE("Unmapping 4 KiB pages leaves their neighbours mapped", "[paging]") {
  Fixture f;
  REQUIRE(f.tables.map(kVa, 0x200000, 16 * KiB, kRw).ok());
  auto r = f.tables.unmap(kVa + 4 * KiB, 8 * KiB);
  REQUIRE(r.ok());
  CHECK(r.value() == 8 * KiB);
  CHECK(f.tables.translate(kVa).has_value());
  CHECK_FALSE(f.tables.translate(kVa + 4 * KiB).has_value());
  CHECK_FALSE(f.tables.translate(kVa + 8 * KiB).has_value());
  CHECK(f.tables.translate(kVa + 12 * KiB)->physical == 0x200000 + 12 * KiB);
}

TEST_CASE("Unmapping what is not mapped is a no-op reporting zero bytes", "[paging]") {
  Fixture f;
  auto r = f.tables.unmap(kVa, 1 * GiB);
  REQUIRE(r.ok());
  CHECK(r.value() == 0);
  CHECK(f.tables.unmap(kVa + 1, 4 * KiB).error() == MapError::Misaligned);
}

TEST_CASE("Unmapping one page of a 2 MiB page splits it and keeps the rest", "[paging]") {
  Fixture f;
  REQUIRE(f.tables.map(kVa, 0x4000'0000, 2 * MiB, kRw, PageSize::Size2M).ok());
  REQUIRE(f.tables.translate(kVa)->size == PageSize::Size2M);
  REQUIRE(f.tables.unmap(kVa + 1 * MiB, 4 * KiB).value() == 4 * KiB);
  CHECK_FALSE(f.tables.translate(kVa + 1 * MiB).has_value());
  for (u64 off : {u64{0}, 1 * MiB - 4 * KiB, 1 * MiB + 4 * KiB, 2 * MiB - 4 * KiB}) {
    auto t = f.tables.translate(kVa + off + 123);
    REQUIRE(t.has_value());
    CHECK(t->physical == 0x4000'0000 + off + 123);
    CHECK(t->size == PageSize::Size4K);
    CHECK((t->flags & kWritable));
    CHECK((t->flags & kNoExecute));
  }
}

TEST_CASE("Splitting a 1 GiB page keeps frames and moves the PAT bit", "[paging]") {
  Fixture f;
  Permissions wc{.writable = true, .cache = Cache::WriteCombining};
  REQUIRE(f.tables.map(kVa, 0x8000'0000, 1 * GiB, wc, PageSize::Size1G).ok());
  REQUIRE((f.tables.translate(kVa)->flags & kPatLarge));
  REQUIRE(f.tables.unmap(kVa + 3 * MiB, 4 * KiB).ok());
  auto big = f.tables.translate(kVa + 600 * MiB);  // a 2 MiB page of the split
  REQUIRE(big.has_value());
  CHECK(big->size == PageSize::Size2M);
  CHECK(big->physical == 0x8000'0000 + 600 * MiB);
  CHECK((big->flags & kPatLarge));
  auto small = f.tables.translate(kVa + 2 * MiB + 8 * KiB);
  REQUIRE(small.has_value());
  CHECK(small->size == PageSize::Size4K);
  CHECK(small->physical == 0x8000'0000 + 2 * MiB + 8 * KiB);
  CHECK((small->flags & kPat4K));
  CHECK_FALSE((small->flags & kPatLarge & ~kAddressMask));
}

TEST_CASE("Unmapping a whole large page does not split it", "[paging]") {
  Fixture f;
  REQUIRE(f.tables.map(kVa, 0, 4 * MiB, kRw, PageSize::Size2M).ok());
  usize before = f.memory.tables();
  REQUIRE(f.tables.unmap(kVa, 2 * MiB).value() == 2 * MiB);
  CHECK(f.memory.tables() == before);
  CHECK(f.tables.translate(kVa + 2 * MiB).has_value());
}

TEST_CASE("Protect changes permissions but not frames", "[paging]") {
  Fixture f;
  REQUIRE(f.tables.map(kVa, 0x300000, 12 * KiB, kRw).ok());
  REQUIRE(f.tables.protect(kVa + 4 * KiB, 4 * KiB, kRx).ok());
  auto t = f.tables.translate(kVa + 4 * KiB);
  CHECK(t->physical == 0x301000);
  CHECK_FALSE((t->flags & kWritable));
  CHECK_FALSE((t->flags & kNoExecute));
  CHECK((f.tables.translate(kVa)->flags & kWritable));
  CHECK((f.tables.translate(kVa + 8 * KiB)->flags & kNoExecute));
}

TEST_CASE("Protect of a range with a hole fails and changes nothing", "[paging]") {
  Fixture f;
  REQUIRE(f.tables.map(kVa, 0x300000, 4 * KiB, kRw).ok());
  REQUIRE(f.tables.map(kVa + 8 * KiB, 0x308000, 4 * KiB, kRw).ok());
  CHECK(f.tables.protect(kVa, 12 * KiB, kRo).error() == MapError::NotMapped);
  CHECK((f.tables.translate(kVa)->flags & kWritable));
}

TEST_CASE("Protect of part of a 2 MiB page splits it", "[paging]") {
  Fixture f;
  REQUIRE(f.tables.map(kVa, 0x20'0000, 2 * MiB, kRw, PageSize::Size2M).ok());
  REQUIRE(f.tables.protect(kVa, 8 * KiB, Permissions{.cache = Cache::Uncached}).ok());
  auto t = f.tables.translate(kVa + 4 * KiB);
  CHECK(t->size == PageSize::Size4K);
  CHECK((t->flags & kCacheDisable));
  CHECK_FALSE((t->flags & kWritable));
  CHECK((f.tables.translate(kVa + 1 * MiB)->flags & kWritable));
}

TEST_CASE("Guard pages are not present, are told apart, and block mapping", "[paging]") {
  Fixture f;
  REQUIRE(f.tables.map_guard(kVa, 4 * KiB).ok());
  REQUIRE(f.tables.map(kVa + 4 * KiB, 0x500000, 16 * KiB, kRw).ok());
  CHECK_FALSE(f.tables.translate(kVa).has_value());
  CHECK(f.tables.lookup(kVa) == PageState::Guard);
  CHECK(f.tables.lookup(kVa + 4 * KiB) == PageState::Mapped);
  CHECK(f.tables.lookup(kVa + 64 * KiB) == PageState::NotMapped);
  CHECK(f.tables.map(kVa, 0x400000, 4 * KiB, kRw).error() == MapError::AlreadyMapped);
  CHECK(f.tables.map_guard(kVa + 4 * KiB, 4 * KiB).error() == MapError::AlreadyMapped);
  REQUIRE(f.tables.unmap(kVa, 20 * KiB).value() == 16 * KiB);  // the guard is cleared too
  CHECK(f.tables.lookup(kVa) == PageState::NotMapped);
  CHECK(f.tables.map(kVa, 0x400000, 4 * KiB, kRw).ok());
}

TEST_CASE("Unmapping frees page tables and directories left empty, not PDPTs", "[paging]") {
  Fixture f;
  usize empty = f.memory.tables();  // the PML4
  REQUIRE(f.tables.map(kVa + 4 * MiB, 0x500000, 8 * KiB, kRw).ok());
  REQUIRE(f.memory.tables() == empty + 3);  // PDPT, PD, PT
  REQUIRE(f.tables.unmap(kVa + 4 * MiB, 4 * KiB).ok());
  CHECK(f.memory.tables() == empty + 3);  // the PT still holds a page
  REQUIRE(f.tables.unmap(kVa + 4 * MiB + 4 * KiB, 4 * KiB).ok());
  CHECK(f.memory.tables() == empty + 1);  // PT and PD gone, the PDPT stays
  CHECK(f.tables.tables_freed() == 2);
  REQUIRE(f.tables.map(kVa + 4 * MiB, 0x500000, 8 * KiB, kRw).ok());  // and mapping works again
  CHECK(f.tables.translate(kVa + 4 * MiB + 4 * KiB)->physical == 0x501000);
}

TEST_CASE("A guard page keeps its table alive", "[paging]") {
  Fixture f;
  REQUIRE(f.tables.map_guard(kVa, 4 * KiB).ok());
  REQUIRE(f.tables.map(kVa + 4 * KiB, 0x500000, 4 * KiB, kRw).ok());
  usize tables = f.memory.tables();
  REQUIRE(f.tables.unmap(kVa + 4 * KiB, 4 * KiB).ok());
  CHECK(f.memory.tables() == tables);
  CHECK(f.tables.lookup(kVa) == PageState::Guard);
}

TEST_CASE("A split that runs out of table memory fails cleanly", "[paging]") {
  Fixture f;
  REQUIRE(f.tables.map(kVa, 0, 2 * MiB, kRw, PageSize::Size2M).ok());
  f.memory.set_limit(f.memory.tables());
  CHECK(f.tables.unmap(kVa, 4 * KiB).error() == MapError::OutOfMemory);
  CHECK(f.tables.translate(kVa)->size == PageSize::Size2M);  // untouched
}

TEST_CASE("Random map/unmap/protect agrees with a model of the address space",
          "[paging][property]") {
  Fixture f;
  std::mt19937_64 rng(3);
  constexpr u64 kPages = 2048;  // 8 MiB window, 2 MiB pages possible
  struct Page {
    bool mapped;
    u64 phys;
    bool writable;
  };
  std::vector<Page> model(kPages);
  for (int step = 0; step < 3000; ++step) {
    u64 first = rng() % kPages, count = 1 + rng() % 600;
    if (first + count > kPages) count = kPages - first;
    u64 va = kVa + first * 4096, size = count * 4096;
    switch (rng() % 3) {
      case 0: {
        bool free = true;
        for (u64 i = first; i < first + count; ++i) free &= !model[i].mapped;
        if (!free) break;
        u64 phys = first * 4096 + 0x1'0000'0000ull;  // keeps 2 MiB alignment of va and pa equal
        bool w = rng() % 2;
        REQUIRE(f.tables.map(va, phys, size, {.writable = w}, PageSize::Size2M).ok());
        for (u64 i = 0; i < count; ++i) model[first + i] = {true, phys + i * 4096, w};
        break;
      }
      case 1: {
        u64 expect = 0;
        for (u64 i = first; i < first + count; ++i) expect += model[i].mapped ? 4096 : 0;
        REQUIRE(f.tables.unmap(va, size).value() == expect);
        for (u64 i = first; i < first + count; ++i) model[i].mapped = false;
        break;
      }
      case 2: {
        bool all = true;
        for (u64 i = first; i < first + count; ++i) all &= model[i].mapped;
        bool w = rng() % 2;
        auto r = f.tables.protect(va, size, {.writable = w});
        REQUIRE(r.ok() == all);
        if (all)
          for (u64 i = first; i < first + count; ++i) model[i].writable = w;
        break;
      }
    }
  }
  for (u64 i = 0; i < kPages; ++i) {
    auto t = f.tables.translate(kVa + i * 4096);
    REQUIRE(t.has_value() == model[i].mapped);
    if (!t) continue;
    REQUIRE(t->physical == model[i].phys);
    REQUIRE(bool(t->flags & kWritable) == model[i].writable);
  }
}

TEST_CASE("Page faults are classified from the error code and the tables", "[paging][fault]") {
  Fixture f;
  REQUIRE(f.tables.map(kVa, 0x100000, 4 * KiB, kRx).ok());            // text
  REQUIRE(f.tables.map(kVa + 4 * KiB, 0x101000, 4 * KiB, kRw).ok());  // data / heap
  REQUIRE(f.tables.map_guard(kVa + 8 * KiB, 4 * KiB).ok());           // stack guard
  constexpr u64 kPresent = 1, kWrite = 2, kUser = 4, kRsvd = 8, kFetch = 16;
  auto kind = [&](u64 address, u64 error) {
    return classify_fault(f.tables, address, PageFaultError(error)).kind;
  };
  CHECK(kind(kVa + 100, kPresent | kWrite) == FaultKind::WriteToReadOnly);
  CHECK(kind(kVa + 4 * KiB + 8, kPresent | kFetch) == FaultKind::ExecuteNoExecute);
  CHECK(kind(kVa + 8 * KiB + 16, kWrite) == FaultKind::GuardPage);
  CHECK(kind(kVa + 12 * KiB, 0) == FaultKind::NotMapped);
  CHECK(kind(0x0000'8000'0000'0000ull, 0) == FaultKind::NonCanonical);
  CHECK(kind(kVa, kPresent | kUser) == FaultKind::UserToSupervisor);
  CHECK(kind(kVa, kPresent | kRsvd) == FaultKind::ReservedBit);
  CHECK(kind(kVa + 4 * KiB, kPresent | kWrite) == FaultKind::Spurious);
  auto c = classify_fault(f.tables, kVa + 4 * KiB + 8, PageFaultError(kPresent | kFetch));
  CHECK(c.state == PageState::Mapped);
  CHECK(c.page.physical == 0x101008);
  CHECK(fault_kind_text(FaultKind::GuardPage).starts_with("guard page"));
}
