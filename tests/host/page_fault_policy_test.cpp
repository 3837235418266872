// The user page-fault decision (libk/page_fault_policy.hpp): demand-zero, copy-on-write,
// reuse of the last reference, and the faults that stay faults.
#include <catch2/catch.hpp>

#include <libk/page_fault_policy.hpp>

namespace {

using libk::Area;
using libk::AreaKind;
using libk::decide_fault;
using libk::FaultAction;
using libk::FaultState;

constexpr u8 kRW = libk::kAreaRead | libk::kAreaWrite;
constexpr u8 kRX = libk::kAreaRead | libk::kAreaExecute;
constexpr Area kHeap{0x1000, 0x9000, AreaKind::Heap, kRW};
constexpr Area kData{0x400000, 0x401000, AreaKind::Image, kRW};
constexpr Area kText{0x401000, 0x402000, AreaKind::Image, kRX};
constexpr Area kReadOnlyMap{0x10000, 0x11000, AreaKind::Anonymous, libk::kAreaRead};
constexpr Area kNone{0x20000, 0x21000, AreaKind::Anonymous, 0};

FaultState absent(bool write) { return {false, write, false, false, 0}; }
FaultState shared_write(u32 refs) { return {true, true, false, false, refs}; }

}  // namespace

TEST_CASE("A never-touched demand page maps zero on read or write", "[page_fault_policy]") {
  CHECK(decide_fault(&kHeap, absent(false)) == FaultAction::MapZero);
  CHECK(decide_fault(&kHeap, absent(true)) == FaultAction::MapZero);
  CHECK(decide_fault(&kReadOnlyMap, absent(false)) == FaultAction::MapZero);
}

TEST_CASE("A write to a shared frame copies; to the last reference, reuses",
          "[page_fault_policy]") {
  CHECK(decide_fault(&kHeap, shared_write(2)) == FaultAction::Copy);
  CHECK(decide_fault(&kHeap, shared_write(64)) == FaultAction::Copy);
  CHECK(decide_fault(&kHeap, shared_write(1)) == FaultAction::Reuse);
  // Writable image pages (.data) are copy-on-write like any other.
  CHECK(decide_fault(&kData, shared_write(2)) == FaultAction::Copy);
  CHECK(decide_fault(&kData, shared_write(1)) == FaultAction::Reuse);
}

TEST_CASE("A write fault on a page already writable is spurious", "[page_fault_policy]") {
  CHECK(decide_fault(&kHeap, {true, true, false, true, 1}) == FaultAction::Spurious);
  CHECK(decide_fault(&kHeap, {true, true, false, true, 3}) == FaultAction::Spurious);
}

TEST_CASE("Faults no area allows stay faults", "[page_fault_policy]") {
  CHECK(decide_fault(nullptr, absent(false)) == FaultAction::Refuse);
  CHECK(decide_fault(nullptr, shared_write(2)) == FaultAction::Refuse);
  // Writes where the area is read-only, whatever the count.
  CHECK(decide_fault(&kText, shared_write(2)) == FaultAction::Refuse);
  CHECK(decide_fault(&kText, shared_write(1)) == FaultAction::Refuse);
  CHECK(decide_fault(&kReadOnlyMap, absent(true)) == FaultAction::Refuse);
  CHECK(decide_fault(&kReadOnlyMap, shared_write(2)) == FaultAction::Refuse);
  // PROT_NONE: nothing at all.
  CHECK(decide_fault(&kNone, absent(false)) == FaultAction::Refuse);
  // Image pages are mapped at start: one missing is not demand memory.
  CHECK(decide_fault(&kData, absent(false)) == FaultAction::Refuse);
  // Instruction fetches, and reads of present pages (protection faults).
  CHECK(decide_fault(&kText, {true, false, true, false, 2}) == FaultAction::Refuse);
  CHECK(decide_fault(&kHeap, {false, false, true, false, 0}) == FaultAction::Refuse);
  CHECK(decide_fault(&kHeap, {true, false, false, false, 2}) == FaultAction::Refuse);
}
