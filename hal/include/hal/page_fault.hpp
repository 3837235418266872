// Explaining a page fault (#PF, vector 14): what the error code says and what the page
// tables say about the faulting address. Pure logic over PageTables, so it is host-tested
// with a fake physical memory; the kernel's #PF handler calls it through
// kernel::vm::explain_fault (kernel/memory/vm.hpp).
#pragma once

#include <hal/bit_register.hpp>
#include <hal/paging.hpp>

namespace hal::paging {

// The #PF error code — Intel SDM Vol. 3A §4.7, Figure 4-12.
class PageFaultError : public hal::detail::BitRegister<PageFaultError> {
 public:
  using BitRegister::BitRegister;
  HAL_BIT(0, present);  // 0: the page was not present; 1: a protection violation
  HAL_BIT(1, write);    // W/R
  HAL_BIT(2, user);     // U/S
  HAL_BIT(3, reserved_bit);
  HAL_BIT(4, instruction_fetch);  // I/D
  HAL_BIT(5, protection_key);     // PK
  HAL_BIT(6, shadow_stack);       // SS
  HAL_BIT(15, sgx);               // SGX
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
