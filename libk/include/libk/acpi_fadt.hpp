// The Fixed ACPI Description Table (ACPI 6.5 §5.2.9, Table 5.9): the fields Ember uses —
// the SCI interrupt, the PM timer, the IA-PC boot architecture flags (is there an 8042?),
// the RTC century register and the reset register.
#pragma once

#include <libk/acpi.hpp>

namespace libk::acpi {

// IA-PC boot architecture flags — ACPI 6.5 §5.2.9.3, Table 5.11.
inline constexpr u16 kBootArchLegacyDevices = 1 << 0;
inline constexpr u16 kBootArch8042 = 1 << 1;
inline constexpr u16 kBootArchNoVga = 1 << 2;
inline constexpr u16 kBootArchNoMsi = 1 << 3;
inline constexpr u16 kBootArchNoCmosRtc = 1 << 5;

// Fixed feature flags — ACPI 6.5 Table 5.10.
inline constexpr u32 kFadtPmTimer32Bit = 1 << 8;  // TMR_VAL_EXT
inline constexpr u32 kFadtResetRegisterSupported = 1 << 10;
inline constexpr u32 kFadtHardwareReduced = 1 << 20;

struct Fadt {
  u8 revision = 0;  // header revision (1 = ACPI 1.0, 116-byte table)
  u32 flags = 0;
  u16 sci_interrupt = 0;  // an ISA IRQ / GSI
  u64 dsdt = 0;           // X_DSDT when present, else DSDT
  u32 pm_timer_port = 0;  // I/O port of the ACPI PM timer, 0 if none
  u8 century_register = 0;
  // IA-PC boot architecture flags, valid from revision 2 on; older tables predate them.
  bool boot_arch_valid = false;
  u16 boot_arch = 0;
  bool reset_valid = false;  // ACPI 2.0+ with RESET_REG_SUP set
  GenericAddress reset_register = {};
  u8 reset_value = 0;
  // PM1 control register blocks (§4.8.3.2.1): X_PM1x_CNT_BLK when present, else the
  // PM1x_CNT_BLK I/O port with PM1_CNT_LEN as its width. Address 0: no such block (PM1b is
  // optional).
  GenericAddress pm1a_control = {};
  GenericAddress pm1b_control = {};
  // Where to ask the firmware to hand over ACPI (§4.8.2.1: write ACPI_ENABLE to SMI_CMD,
  // then SCI_EN reads 1). 0: the machine is always in ACPI mode.
  u32 smi_command = 0;
  u8 acpi_enable = 0;

  // Whether to expect an i8042: older tables and firmware that does not set the flag on
  // machines that have one are common, so only a valid, clear flag says "no".
  bool may_have_8042() const { return !boot_arch_valid || (boot_arch & kBootArch8042); }
};

// Parses a validated FADT; fields past the table's length read as zero.
Result<Fadt, Problem> parse_fadt(Bytes table, u64 address, Diagnostics& diag);

}  // namespace libk::acpi
