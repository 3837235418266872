// hal/paging_audit.hpp: every leaf read back with its effective access, and the kernel's
// rules (W^X, no user pages in the kernel half) checked over fake tables.
#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <vector>

#include <hal/paging_audit.hpp>

using namespace hal::paging;

namespace {

constexpr u64 kKernel = 0xffff'ffff'8000'0000ull;
constexpr u64 kDirectMap = 0xffff'8000'0000'0000ull;
constexpr u64 kUserVa = 0x40'0000ull;

class FakeMemory final : public TableMemory {
 public:
  libk::Optional<u64> allocate_table() override {
    u64 phys = 0x10'0000'0000ull + next_++ * 4096;
    tables_[phys] = std::make_unique<u64[]>(512);  // zero-filled
    return phys;
  }
  u64* table_at(u64 phys) override {
    auto it = tables_.find(phys);
    REQUIRE(it != tables_.end());
    return it->second.get();
  }

 private:
  u64 next_ = 0;
  std::map<u64, std::unique_ptr<u64[]>> tables_;
};

struct Fixture {
  FakeMemory memory;
  PageTables tables = PageTables::create(memory).release_value();

  // A kernel-like address space: text R-X, data RW-, a direct map RW- in 2 MiB pages.
  Fixture() {
    REQUIRE(tables.map(kKernel, 0x20'0000, 0x2000, {.executable = true}).ok());
    REQUIRE(tables.map(kKernel + 0x2000, 0x20'2000, 0x1000, {.writable = true}).ok());
    REQUIRE(tables.map(kDirectMap, 0, 8 * kSize2M, {.writable = true}, PageSize::Size2M).ok());
  }

  AuditResult audit() { return audit_tables(memory, tables.root()); }

  // The entry at `level` (4 = PML4) on the way to `va`.
  u64& entry(u64 va, u32 level) {
    u64 table = tables.root();
    for (u32 l = 4;; --l) {
      u64& e = memory.table_at(table)[(va >> (12 + 9 * (l - 1))) & 511];
      if (l == level) return e;
      table = e & kAddressMask;
    }
  }
};

class Collect final : public LeafVisitor {
 public:
  explicit Collect(usize stop_after = ~usize{0}) : stop_after_(stop_after) {}
  bool visit(const Leaf& leaf) override {
    leaves.push_back(leaf);
    return leaves.size() < stop_after_;
  }
  std::vector<Leaf> leaves;

 private:
  usize stop_after_;
};

}  // namespace

TEST_CASE("Audit of W^X kernel tables finds nothing and counts every leaf", "[paging]") {
  Fixture f;
  AuditResult r = f.audit();
  CHECK_FALSE(r.finding.has_value());
  CHECK(r.leaves == 3 + 8);  // three 4 KiB kernel pages, eight 2 MiB direct-map pages
}

TEST_CASE("Leaves come back in address order with their size, frame and access", "[paging]") {
  Fixture f;
  Collect c;
  for_each_leaf(f.memory, f.tables.root(), c);
  REQUIRE(c.leaves.size() == 11);
  const Leaf& first = c.leaves[0];  // the direct map comes first: it lies lower
  CHECK(first.virt == kDirectMap);
  CHECK(first.physical == 0);
  CHECK(first.size == PageSize::Size2M);
  CHECK((first.writable && !first.executable && !first.user));
  const Leaf& text = c.leaves[8];
  CHECK(text.virt == kKernel);
  CHECK(text.physical == 0x20'0000);
  CHECK(text.size == PageSize::Size4K);
  CHECK((!text.writable && text.executable));
  CHECK(c.leaves[10].virt == kKernel + 0x2000);
  CHECK(c.leaves[10].writable);
}

TEST_CASE("Audit finds a writable and executable page", "[paging]") {
  Fixture f;
  REQUIRE(
      f.tables.map(kKernel + 0x10'0000, 0x30'0000, 0x1000, {.writable = true, .executable = true})
          .ok());
  AuditResult r = f.audit();
  REQUIRE(r.finding.has_value());
  CHECK(r.finding->problem == AuditProblem::WritableAndExecutable);
  CHECK(r.finding->leaf.virt == kKernel + 0x10'0000);
  CHECK(r.finding->leaf.physical == 0x30'0000);
  CHECK(audit_problem_text(r.finding->problem) == "writable and executable");
}

TEST_CASE("Audit finds a user-accessible page in the kernel half, not in the user half",
          "[paging]") {
  Fixture f;
  REQUIRE(f.tables.map(kUserVa, 0x40'0000, 0x1000, {.writable = true, .user = true}).ok());
  CHECK_FALSE(f.audit().finding.has_value());
  REQUIRE(f.tables.map(kKernel + 0x20'0000, 0x50'0000, 0x1000, {.user = true}).ok());
  AuditResult r = f.audit();
  REQUIRE(r.finding.has_value());
  CHECK(r.finding->problem == AuditProblem::UserInKernelHalf);
  CHECK(r.finding->leaf.virt == kKernel + 0x20'0000);
}

TEST_CASE("Audit finds a writable and executable large page", "[paging]") {
  Fixture f;
  f.entry(kDirectMap + 3 * kSize2M, 2) &= ~kNoExecute;
  AuditResult r = f.audit();
  REQUIRE(r.finding.has_value());
  CHECK(r.finding->leaf.virt == kDirectMap + 3 * kSize2M);
  CHECK(r.finding->leaf.physical == 3 * kSize2M);
  CHECK(r.finding->leaf.size == PageSize::Size2M);
}

TEST_CASE("Access is what every level of the walk grants", "[paging]") {
  Fixture f;
  const u64 va = kKernel + 0x40'0000;
  REQUIRE(f.tables.map(va, 0x60'0000, 0x1000, {.writable = true, .executable = true}).ok());
  REQUIRE(f.audit().finding.has_value());
  // Read-only higher up: the W+X leaf is not writable after all.
  f.entry(va, 2) &= ~kWritable;
  CHECK_FALSE(f.audit().finding.has_value());
  f.entry(va, 2) |= kWritable;
  // XD higher up: not executable.
  f.entry(va, 3) |= kNoExecute;
  CHECK_FALSE(f.audit().finding.has_value());
  // U/S must be set at every level for user mode to reach the page. (The builder leaves U/S
  // set in tables above the leaf and decides at the leaf.)
  const u64 pml4_user = f.entry(va, 4) & kUser;
  f.entry(va, 4) &= ~kUser;
  f.entry(va, 1) |= kUser;
  CHECK_FALSE(f.audit().finding.has_value());
  f.entry(va, 4) |= kUser;
  CHECK(pml4_user == kUser);
  AuditResult r = f.audit();
  REQUIRE(r.finding.has_value());
  CHECK(r.finding->problem == AuditProblem::UserInKernelHalf);
}

TEST_CASE("A visitor that returns false ends the walk", "[paging]") {
  Fixture f;
  Collect c(2);
  for_each_leaf(f.memory, f.tables.root(), c);
  CHECK(c.leaves.size() == 2);
}
