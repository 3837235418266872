#include <libk/acpi_power.hpp>

namespace libk::acpi {

namespace {

using Fail = Unexpected<PowerProblem>;

constexpr u8 kPm1Bits = 16;  // PM1 control registers are 16 bits (§4.8.3.2.1)

bool present(const GenericAddress& reg) { return reg.address != 0; }

// Writes the SLP_TYP field of one PM1 control register, keeping its other bits; with
// `enable`, also sets SLP_EN (write-only, reads as 0).
Result<void, PowerProblem> write_sleep(const GenericAddress& reg, u8 type, bool enable,
                                       RegisterIo& io) {
  u8 bits = register_access_bits(reg, kPm1Bits);
  u64 value = 0;
  if (!io.read(reg, bits, value)) return Fail{PowerProblem::UnreachableRegister};
  value &= ~u64(kPm1SleepTypeMask | kPm1SleepEnable);
  value |= u64(type & 7) << kPm1SleepTypeShift;
  if (enable) value |= kPm1SleepEnable;
  if (!io.write(reg, bits, value)) return Fail{PowerProblem::UnreachableRegister};
  return {};
}

Result<bool, PowerProblem> sci_enabled(const Fadt& fadt, RegisterIo& io) {
  u64 value = 0;
  if (!io.read(fadt.pm1a_control, register_access_bits(fadt.pm1a_control, kPm1Bits), value))
    return Fail{PowerProblem::UnreachableRegister};
  return (value & kPm1SciEnable) != 0;
}

}  // namespace

u8 register_access_bits(const GenericAddress& reg, u8 fallback) {
  if (reg.access_size >= kAccessByte && reg.access_size <= kAccessQword)
    return u8(8 << (reg.access_size - 1));
  switch (reg.bit_width) {
    case 8:
    case 16:
    case 32:
    case 64: return reg.bit_width;
    default: return fallback;
  }
}

Result<void, PowerProblem> enable_acpi_mode(const Fadt& fadt, RegisterIo& io) {
  if (fadt.flags & kFadtHardwareReduced) return Fail{PowerProblem::HardwareReduced};
  if (!present(fadt.pm1a_control)) return Fail{PowerProblem::NoPm1Control};
  if (TRY(sci_enabled(fadt, io))) return {};
  // SMI_CMD 0 (or ACPI_ENABLE 0) means the hardware cannot leave ACPI mode (§5.2.9):
  // SCI_EN being clear then is the firmware's business, not ours.
  if (fadt.smi_command == 0 || fadt.acpi_enable == 0) return {};
  GenericAddress smi{kAddressSpaceIo, 8, 0, kAccessByte, fadt.smi_command};
  if (!io.write(smi, 8, fadt.acpi_enable)) return Fail{PowerProblem::UnreachableRegister};
  for (u32 waited = 0; waited < kAcpiEnableWaitUs; waited += kAcpiEnablePollUs) {
    if (TRY(sci_enabled(fadt, io))) return {};
    io.stall_us(kAcpiEnablePollUs);
  }
  return Fail{PowerProblem::AcpiModeTimeout};
}

Result<void, PowerProblem> enter_sleep_state(const Fadt& fadt, SleepType type, RegisterIo& io) {
  TRY(enable_acpi_mode(fadt, io));
  // §16.1.7: program SLP_TYPx, then set SLP_EN. PM1b gets its own type when present.
  TRY(write_sleep(fadt.pm1a_control, type.a, false, io));
  if (present(fadt.pm1b_control)) TRY(write_sleep(fadt.pm1b_control, type.b, false, io));
  TRY(write_sleep(fadt.pm1a_control, type.a, true, io));
  if (present(fadt.pm1b_control)) TRY(write_sleep(fadt.pm1b_control, type.b, true, io));
  return {};
}

Result<void, PowerProblem> reset_through_register(const Fadt& fadt, RegisterIo& io) {
  if (!fadt.reset_valid || !present(fadt.reset_register))
    return Fail{PowerProblem::ResetUnsupported};
  if (!io.write(fadt.reset_register, 8, fadt.reset_value))
    return Fail{PowerProblem::UnreachableRegister};
  return {};
}

StringView power_problem_text(PowerProblem p) {
  switch (p) {
    case PowerProblem::HardwareReduced:
      return "hardware-reduced ACPI (sleep control register) is not supported";
    case PowerProblem::NoPm1Control: return "the FADT names no PM1a control register";
    case PowerProblem::UnreachableRegister: return "register is not in system memory or I/O space";
    case PowerProblem::AcpiModeTimeout: return "the firmware did not switch to ACPI mode";
    case PowerProblem::ResetUnsupported: return "the FADT offers no reset register";
  }
  return "unknown problem";
}

}  // namespace libk::acpi
