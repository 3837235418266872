// x86 exception vectors and how to describe them (Intel SDM Vol. 3A §6.3.1 Table 6-1,
// §6.13 error codes, §6.15 per-exception reference). Pure formatting, no hardware access:
// the crash reporter in kernel/ calls these, and host tests check their output.
#pragma once

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

// Page-fault error code bits — SDM Vol. 3A §4.7, Figure 4-12.
struct PageFaultError {
  u64 raw;
  bool present() const { return raw & (1u << 0); }            // P: protection, not missing
  bool write() const { return raw & (1u << 1); }              // W/R
  bool user() const { return raw & (1u << 2); }               // U/S
  bool reserved_bit() const { return raw & (1u << 3); }       // RSVD
  bool instruction_fetch() const { return raw & (1u << 4); }  // I/D
  bool protection_key() const { return raw & (1u << 5); }     // PK
  bool shadow_stack() const { return raw & (1u << 6); }       // SS
  bool sgx() const { return raw & (1u << 15); }               // SGX
};

// Selector error code (#TS, #NP, #SS, #GP, #DF; #GP with 0 means "no selector")
// — SDM Vol. 3A §6.13, Figure 6-7.
struct SelectorError {
  u64 raw;
  bool external() const { return raw & 1; }  // EXT: raised by an external event
  bool idt() const { return raw & 2; }       // IDT: the index is an IDT vector
  bool ldt() const { return raw & 4; }       // TI (when not IDT): LDT rather than GDT
  u16 index() const { return u16(raw >> 3 & 0x1FFF); }
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
