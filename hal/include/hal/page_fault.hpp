// Explaining a page fault (#PF, vector 14): what the error code says and what the page
// tables say about the faulting address. Pure logic over PageTables, so it is host-tested
// with a fake physical memory; the kernel's #PF handler calls it through
// kernel::vm::explain_fault (kernel/memory/vm.hpp).
#pragma once

#include <hal/paging.hpp>

namespace hal::paging {

// The #PF error code — Intel SDM Vol. 3A §4.7, Figure 4-12.
class PageFaultError {
 public:
  constexpr explicit PageFaultError(u64 raw) : raw_(raw) {}
  constexpr u64 raw() const { return raw_; }
  constexpr bool present() const { return raw_ & (1u << 0); }  // 0: not present; 1: protection
  constexpr bool write() const { return raw_ & (1u << 1); }
  constexpr bool user() const { return raw_ & (1u << 2); }
  constexpr bool reserved_bit() const { return raw_ & (1u << 3); }
  constexpr bool instruction_fetch() const { return raw_ & (1u << 4); }
  constexpr bool protection_key() const { return raw_ & (1u << 5); }
  constexpr bool shadow_stack() const { return raw_ & (1u << 6); }

 private:
  u64 raw_;
};

enum class FaultKind : u8 {
  GuardPage,         // an unmapped guard page (a stack overflow, or running off a heap block)
  NotMapped,         // nothing is mapped there
  NonCanonical,      // not a canonical address (normally #GP rather than #PF)
  WriteToReadOnly,   // write to a page without W: kernel text or rodata (W^X), or protected
  ExecuteNoExecute,  // instruction fetch from a page with NX: data, stack, heap (W^X)
  UserToSupervisor,  // user-mode access to a supervisor page
  ReservedBit,       // a reserved bit set in a paging structure: corrupt page tables
  ProtectionKey,     // denied by a protection key
  Spurious,          // the tables allow the access now: a stale TLB entry
};

libk::StringView fault_kind_text(FaultKind kind);

struct FaultClass {
  FaultKind kind;
  PageState state;
  Translation page;  // valid when state == Mapped
};

// Classifies a fault at `address` with `error` against the tables that were active.
FaultClass classify_fault(const PageTables& tables, u64 address, PageFaultError error);

}  // namespace hal::paging
