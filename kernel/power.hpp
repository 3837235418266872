// Power off and reboot (docs/shell.md#power-off). Shutdown enters ACPI S5 (soft off) through the
// FADT's PM1 control registers with the SLP_TYP values of the `\_S5` object, found once at
// boot by scanning the DSDT and SSDTs (libk/acpi_aml.hpp). Reboot tries, in order, the
// FADT's reset register, the 8042's reset line and a triple fault.
//
// Context: thread (they wait, with interrupts enabled, for the machine to go).
#pragma once

#include <libk/acpi_aml.hpp>
#include <libk/optional.hpp>
#include <libk/string_view.hpp>

namespace kernel::power {

// Finds \_S5 and logs it (or why it cannot power off). Needs acpi::init().
void init();

// The S5 sleep type from the AML, if it was found.
libk::Optional<libk::acpi::SleepType> s5_sleep_type();
// Why there is no S5 sleep type (empty if there is one).
libk::StringView s5_problem();

// Powers the machine off. Returns only if that failed, with the reason.
libk::StringView shutdown();

enum class ResetMethod : u8 { AcpiRegister, Keyboard, TripleFault };
libk::StringView reset_method_name(ResetMethod method);
bool parse_reset_method(libk::StringView text, ResetMethod& out);

// Resets the machine with each method in turn, from `first` on; the triple fault does not
// fail, so this does not return.
[[noreturn]] void reboot(ResetMethod first = ResetMethod::AcpiRegister);

}  // namespace kernel::power
