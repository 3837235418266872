#include <hal/page_fault.hpp>

namespace hal::paging {

libk::StringView fault_kind_text(FaultKind kind) {
  switch (kind) {
    case FaultKind::GuardPage: return "guard page (stack overflow or out-of-bounds access)";
    case FaultKind::NotMapped: return "address not mapped";
    case FaultKind::NonCanonical: return "non-canonical address";
    case FaultKind::WriteToReadOnly: return "protection violation: write to a read-only page";
    case FaultKind::ExecuteNoExecute: return "protection violation: execute from a no-execute page";
    case FaultKind::UserToSupervisor: return "protection violation: user access to a kernel page";
    case FaultKind::ReservedBit: return "reserved bit set in a page-table entry";
    case FaultKind::ProtectionKey: return "protection violation: protection key";
    case FaultKind::Spurious: return "spurious (the page allows this access now)";
  }
  return "page fault";
}

FaultClass classify_fault(const PageTables& tables, u64 address, PageFaultError error) {
  FaultClass c{FaultKind::NotMapped, PageState::NotMapped, {}};
  if (!is_canonical(address)) {
    c.kind = FaultKind::NonCanonical;
    return c;
  }
  c.state = tables.lookup(address, &c.page);
  if (c.state == PageState::Guard) c.kind = FaultKind::GuardPage;
  if (c.state != PageState::Mapped) return c;
  // Mapped: the error code says which check failed (SDM Vol. 3A §4.6 access rights).
  u64 flags = c.page.flags;
  if (error.reserved_bit())
    c.kind = FaultKind::ReservedBit;
  else if (error.protection_key())
    c.kind = FaultKind::ProtectionKey;
  else if (error.instruction_fetch() && (flags & kNoExecute))
    c.kind = FaultKind::ExecuteNoExecute;
  else if (error.write() && !(flags & kWritable))
    c.kind = FaultKind::WriteToReadOnly;
  else if (error.user() && !(flags & kUser))
    c.kind = FaultKind::UserToSupervisor;
  else
    c.kind = FaultKind::Spurious;
  return c;
}

}  // namespace hal::paging
