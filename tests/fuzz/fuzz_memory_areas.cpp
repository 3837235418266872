// libFuzzer harness for a process's memory areas (libk/memory_areas.hpp): the input is a
// sequence of inserts and removes (the system calls brk/mmap/munmap turn untrusted arguments
// into these), each checked against a page-by-page model (tests/host/memory_areas_model.hpp):
// same result, same error, and the areas always equal the model's runs of equal pages.
#include <libk/memory_areas.hpp>

#include "../host/memory_areas_model.hpp"

namespace {

#define CHECK(cond)                \
  do {                             \
    if (!(cond)) __builtin_trap(); \
  } while (0)

using libk::AreaError;
using libk::AreaKind;
using memory_areas_model::Model;
using memory_areas_model::PageInfo;

constexpr u64 kBase = 0x7000'0000'0000ull;
constexpr u64 kPages = 256;
constexpr u64 P = libk::kPageSize;

void check_same(const libk::MemoryAreas& m, const Model& model) {
  CHECK(m.check());
  auto runs = model.runs();
  CHECK(m.size() == runs.size());
  for (usize i = 0; i < runs.size(); ++i) CHECK(m.areas()[i] == runs[i]);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const u8* data, usize size) {
  Model model(kBase, kPages);
  libk::MemoryAreas m;
  for (usize at = 0; at + 4 <= size; at += 4) {
    u8 op = data[at];
    u64 first = data[at + 1] % kPages;
    u64 count = data[at + 2] % 64;  // 0: an empty range, which must be refused
    if (first + count > kPages) count = kPages - first;
    u64 begin = model.address(first), end = model.address(first + count);
    // Low bits of the fourth byte misalign the range now and then.
    if ((data[at + 3] & 0x0f) == 0x0f) begin += data[at + 3] >> 4;
    bool bad = count == 0 || begin % P != 0;
    if (op & 1) {
      PageInfo info{AreaKind((op >> 1) % 5), u8((op >> 4) & 7)};
      auto r = m.insert({begin, end, info.kind, info.protection});
      if (bad) {
        CHECK(!r.ok() && (r.error() == AreaError::Empty || r.error() == AreaError::Misaligned));
      } else if (model.any_in(first, count)) {
        CHECK(!r.ok() && r.error() == AreaError::Overlaps);
      } else {
        Model next = model;
        next.set(first, count, info);
        if (next.runs().size() > libk::MemoryAreas::kCapacity) {
          CHECK(!r.ok() && r.error() == AreaError::Full);
        } else {
          CHECK(r.ok());
          model = next;
        }
      }
    } else {
      auto r = m.remove(begin, end);
      if (bad) {
        CHECK(!r.ok());
      } else {
        Model next = model;
        next.set(first, count, std::nullopt);
        if (next.runs().size() > libk::MemoryAreas::kCapacity) {
          CHECK(!r.ok() && r.error() == AreaError::Full);
        } else {
          CHECK(r.ok() && r.value() == model.count_in(first, count));
          model = next;
        }
      }
    }
    check_same(m, model);
    u64 want = 1 + (data[at + 3] % 16);
    auto gap = m.find_free_top_down(want * P, kBase, model.address(kPages));
    auto expected = model.highest_free(want, 0, kPages);
    CHECK(gap.has_value() == expected.has_value());
    if (gap) CHECK(*gap == model.address(*expected));
  }
  return 0;
}
