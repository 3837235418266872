// x86 exception vectors and how to describe them (Intel SDM Vol. 3A §6.3.1 Table 6-1,
// §6.13 error codes, §6.15 per-exception reference). Pure formatting, no hardware access:
// the crash reporter in kernel/ calls these, and host tests check their output.
#pragma once

#include <hal/bit_register.hpp>
#include <hal/page_fault.hpp>
#include <hal/trap_frame.hpp>
#include <libk/format.hpp>

namespace hal::exceptions {

enum Vector : u8 {
  kDivideError = 0,
  kDebug = 1,
  kNmi = 2,
  kBreakpoint = 3,
  kOverflow = 4,
  kBoundRange = 5,
  kInvalidOpcode = 6,
  kDeviceNotAvailable = 7,
  kDoubleFault = 8,
  kCoprocessorSegmentOverrun = 9,
  kInvalidTss = 10,
  kSegmentNotPresent = 11,
  kStackSegment = 12,
  kGeneralProtection = 13,
  kPageFault = 14,
  kX87FloatingPoint = 16,
  kAlignmentCheck = 17,
  kMachineCheck = 18,
  kSimdFloatingPoint = 19,
  kVirtualization = 20,
  kControlProtection = 21,
  kHypervisorInjection = 28,
  kVmmCommunication = 29,
  kSecurity = 30,
};

inline constexpr u8 kExceptionCount = 32;  // vectors 0-31 are reserved for exceptions

struct Info {
  const char* mnemonic;  // "#PF"; "-" for reserved vectors
  const char* name;      // "page fault"
  bool has_error_code;   // the CPU pushes an error code (Table 6-1)
};

Info info(u8 vector);

// The #PF error code (hal/page_fault.hpp, one type for the crash report and the VM).
using PageFaultError = paging::PageFaultError;

// Selector error code (#TS, #NP, #SS, #GP, #DF; #GP with 0 means "no selector")
// — SDM Vol. 3A §6.13, Figure 6-7.
class SelectorError : public detail::BitRegister<SelectorError> {
 public:
  using BitRegister::BitRegister;
  HAL_BIT(0, external);  // EXT: raised by an external event
  HAL_BIT(1, idt);       // IDT: the index is an IDT vector
  HAL_BIT(2, ldt);       // TI (when not IDT): LDT rather than GDT
  HAL_FIELD(u16, 15, 3, index);
};

// "not-present page, read access, kernel mode" (what the bits say, nothing more).
void describe_page_fault(libk::Sink& out, PageFaultError error);
// "GDT selector index 582 (0x1230)" / "IDT vector 13, external event".
void describe_selector(libk::Sink& out, SelectorError error);
// The error code of `vector` in words, or nothing if the vector has no error code. Page
// faults and selector errors are decoded; other codes are printed raw.
void describe_error_code(libk::Sink& out, u8 vector, u64 error_code);

// RFLAGS with its set flags named: "0x10246 [PF ZF IF RF]" (SDM Vol. 1 §3.4.3).
void describe_rflags(libk::Sink& out, u64 rflags);

// CR0 and CR4 with their set bits named (SDM Vol. 3A §2.5, Figures 2-7 and 2-8):
// "0x80010033 [PE MP ET NE WP PG]".
void describe_cr0(libk::Sink& out, u64 cr0);
void describe_cr4(libk::Sink& out, u64 cr4);

// The general registers, RIP/CS/RFLAGS/RSP/SS and the control registers, several lines,
// each ending in '\n'.
void write_registers(libk::Sink& out, const TrapFrame& frame, const ControlRegisters& cr);

}  // namespace hal::exceptions
