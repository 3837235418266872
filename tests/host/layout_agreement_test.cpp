// The validator and the loader agree (boot/address_space.hpp): any kernel the validator
// accepts maps, at its link address and at every KASLR place, beside what the loader maps
// for itself (the direct map and the boot stack, as loader/page_tables.cpp builds them).
// A kernel linked over the direct map used to pass validation and then stop the loader with
// "cannot map the direct map: already mapped".
#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <vector>

#include <boot/address_space.hpp>
#include <boot/kaslr.hpp>
#include <hal/paging.hpp>
#include <libk/elf.hpp>

#include "elf_builder.hpp"

using namespace hal::paging;

namespace {

class FakeMemory final : public TableMemory {
 public:
  libk::Optional<u64> allocate_table() override {
    u64 phys = 0x100'0000'0000ull + next_++ * 4096;
    tables_[phys] = std::make_unique<u64[]>(512);
    return phys;
  }
  u64* table_at(u64 phys) override { return tables_.at(phys).get(); }

 private:
  u64 next_ = 0;
  std::map<u64, std::unique_ptr<u64[]>> tables_;
};

// Maps what the loader maps: the kernel's pages at link address + slide, 4 GiB of direct map
// in 1 GiB pages, the boot stack. Returns the first error, if any.
libk::Optional<MapError> map_like_the_loader(const libk::elf::LoadPlan& plan, u64 slide) {
  FakeMemory memory;
  PageTables tables = PageTables::create(memory).release_value();
  for (const libk::elf::Segment& s : plan.loadable()) {
    u64 begin = libk::align_down(s.vaddr, kSize4K),
        end = libk::align_up(s.vaddr + s.memsz, kSize4K);
    for (u64 va = begin; va < end; va += kSize4K) {
      if (tables.translate(va + slide)) continue;
      auto r = tables.map(va + slide, 0x20'0000, kSize4K, {});
      if (!r) return r.error();
    }
  }
  auto direct = tables.map(boot::layout::kDirectMap.base, 0, 4 * libk::GiB, {.writable = true},
                           PageSize::Size1G);
  if (!direct) return direct.error();
  auto stack = tables.map(boot::layout::kBootStackTop - boot::layout::kBootStackSize, 0x30'0000,
                          boot::layout::kBootStackSize, {.writable = true});
  if (!stack) return stack.error();
  return libk::nullopt;
}

}  // namespace

TEST_CASE("Every kernel the validator accepts maps beside the loader's own mappings") {
  // Link addresses at and around every region's edges, and inside each.
  std::vector<u64> candidates;
  for (const boot::layout::Region& r : boot::layout::kRegions) {
    for (u64 at : {r.base, r.base + r.size / 2, r.base + r.size - 0x3000, r.base + r.size})
      for (i64 delta : {i64(-0x3000), i64(0), i64(0x1000)}) candidates.push_back(at + u64(delta));
  }
  usize accepted = 0;
  for (u64 base : candidates) {
    auto b = test::ElfBuilder::kernel(3);
    for (usize i = 0; i < 3; ++i) b.segment(i).vaddr = base + i * libk::kPageSize;
    b.header().entry = base;
    auto file = b.build();
    auto plan = libk::elf::validate_kernel(test::bytes_of(file));
    if (!plan) continue;
    ++accepted;
    const libk::elf::LoadPlan& p = plan.value();
    u64 places = boot::kaslr::place_count(p.image_begin, p.span());
    INFO("linked at " << std::hex << base);
    REQUIRE(places > 0);
    for (u64 random : {u64(0), places / 2, places - 1}) {
      u64 slide = boot::kaslr::slide_for(random, p.image_begin, p.span());
      auto error = map_like_the_loader(p, slide);
      CHECK_FALSE(error.has_value());
    }
    CHECK_FALSE(map_like_the_loader(p, 0).has_value());
  }
  CHECK(accepted >= 6);  // the window's own candidates
}
