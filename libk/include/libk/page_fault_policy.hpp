// What the kernel does about a page fault at a user address (docs/processes.md, "Fork and
// copy-on-write"): the decision only, from the area that holds the address and the state of
// its page, so that it is host-tested apart from the page tables it acts on.
//
//   not present, demand area allowing the access   -> MapZero   (a zeroed page, on first touch)
//   present, write, area writable, PTE read-only   -> Copy      (the frame is shared: copy it)
//                                                     Reuse     (only this mapping is left:
//                                                                make it writable again)
//   present, write, PTE writable already           -> Spurious  (another thread got there
//                                                                first; retry the access)
//   anything else                                  -> Refuse    (a real fault)
#pragma once

#include <libk/memory_areas.hpp>

namespace libk {

enum class FaultAction : u8 { Refuse, MapZero, Copy, Reuse, Spurious };

struct FaultState {
  bool present;       // a page is mapped at the address
  bool write;         // the access was a write
  bool fetch;         // the access was an instruction fetch
  bool pte_writable;  // the mapping allows writes (present only)
  u32 references;     // address spaces mapping the frame (present only; at least 1)
};

constexpr bool demand_zero_kind(AreaKind k) {
  return k == AreaKind::Heap || k == AreaKind::Stack || k == AreaKind::Anonymous;
}

// `area` is the area holding the faulting address, or nullptr if none does.
constexpr FaultAction decide_fault(const Area* area, const FaultState& s) {
  if (area == nullptr || s.fetch) return FaultAction::Refuse;  // anonymous memory is never X
  if ((area->protection & kAreaRead) == 0) return FaultAction::Refuse;
  bool area_writable = (area->protection & kAreaWrite) != 0;
  if (s.write && !area_writable) return FaultAction::Refuse;
  if (!s.present) return demand_zero_kind(area->kind) ? FaultAction::MapZero : FaultAction::Refuse;
  if (!s.write) return FaultAction::Refuse;  // a read of a present page is not ours to fix
  if (s.pte_writable) return FaultAction::Spurious;
  return s.references > 1 ? FaultAction::Copy : FaultAction::Reuse;
}

}  // namespace libk
