// ACPI fixed-hardware power control, as register sequences over an abstract register
// interface (hal implements it with port I/O and MMIO; host tests with a fake that records
// every access):
//   - entering a sleep state (S5 = soft off): ACPI 6.5 §16.1.7 "Transitioning from the
//     Working to the Sleeping State" and §4.8.3.2.1 (PM1 control registers);
//   - resetting through the FADT's reset register: §4.8.3.6.
#pragma once

#include <libk/acpi_aml.hpp>
#include <libk/acpi_fadt.hpp>

namespace libk::acpi {

// PM1 control register bits — ACPI 6.5 §4.8.3.2.1, Table 4.13.
inline constexpr u16 kPm1SciEnable = 1 << 0;
inline constexpr u16 kPm1SleepTypeShift = 10;
inline constexpr u16 kPm1SleepTypeMask = 7 << kPm1SleepTypeShift;
inline constexpr u16 kPm1SleepEnable = 1 << 13;

// Generic Address Structure access sizes — ACPI 6.5 Table 5.1.
inline constexpr u8 kAccessByte = 1, kAccessWord = 2, kAccessDword = 3, kAccessQword = 4;

// How wide an access to `reg` is: its access size if given, else its bit width if that is
// a power of two from 8 to 64, else `fallback` bits.
u8 register_access_bits(const GenericAddress& reg, u8 fallback);

class RegisterIo {
 public:
  // One access of `bits` (8, 16, 32 or 64) to the register `reg` names. False if its
  // address space is not one this machine can reach (only system memory and system I/O are).
  virtual bool read(const GenericAddress& reg, u8 bits, u64& value) = 0;
  virtual bool write(const GenericAddress& reg, u8 bits, u64 value) = 0;
  // Busy-waits about `us` microseconds.
  virtual void stall_us(u32 us) = 0;

 protected:
  ~RegisterIo() = default;
};

enum class PowerProblem : u8 {
  HardwareReduced,      // no PM1 registers; the sleep control register is not supported
  NoPm1Control,         // the FADT names no PM1a control block
  UnreachableRegister,  // a register in an address space other than memory or I/O
  AcpiModeTimeout,      // SCI_EN did not come on after the ACPI_ENABLE request
  ResetUnsupported,     // the FADT does not offer a reset register
};

StringView power_problem_text(PowerProblem p);

// How long enable_acpi_mode waits for SCI_EN: ACPI gives no limit; Linux waits ~3 s.
inline constexpr u32 kAcpiEnableWaitUs = 3'000'000;
inline constexpr u32 kAcpiEnablePollUs = 1'000;

// Makes sure the machine is in ACPI mode (SCI_EN set in PM1a control): if it is not and the
// FADT names an SMI command port, writes ACPI_ENABLE there and polls SCI_EN (§4.8.2.1).
Result<void, PowerProblem> enable_acpi_mode(const Fadt& fadt, RegisterIo& io);

// Enters the sleep state whose SLP_TYP values are `type` (from find_sleep_type): ACPI mode
// first, then SLP_TYPx written into PM1a (and PM1b, if present) with the other bits kept,
// then again with SLP_EN set. If the machine does not sleep, this returns success once the
// writes are done; the caller decides how long to wait for the power to go.
Result<void, PowerProblem> enter_sleep_state(const Fadt& fadt, SleepType type, RegisterIo& io);

// Writes RESET_VALUE to RESET_REG (8 bits wide by definition, §4.8.3.6) if the FADT says the
// register is supported. Returns once written; the caller waits for the reset.
Result<void, PowerProblem> reset_through_register(const Fadt& fadt, RegisterIo& io);

}  // namespace libk::acpi
