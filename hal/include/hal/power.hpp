// Power-control hardware: the registers ACPI's Generic Address Structures name (system I/O
// ports and memory-mapped registers, ACPI 6.5 §5.2.3.2), and the last-resort reset.
// The sequences (what to write, in which order) are libk's (libk/acpi_power.hpp); the
// 8042 reset line is in hal/i8042.hpp.
#pragma once

#include <libk/acpi.hpp>

namespace hal::power {

// One access of `bits` (8/16/32/64; 64 only for memory) to a register in system memory or
// system I/O space. False for any other address space, an unsupported width, or memory
// that is not mapped.
bool read_register(const libk::acpi::GenericAddress& reg, u8 bits, u64& value);
bool write_register(const libk::acpi::GenericAddress& reg, u8 bits, u64 value);

// Loads an empty IDT (limit 0) and raises an exception: the CPU cannot deliver it, nor the
// resulting #GP and #DF, and shuts down — a triple fault, which resets a PC (Intel SDM
// Vol. 3A §6.15 "Exception and Interrupt Reference", Interrupt 8; §6.10 for the limit).
[[noreturn]] void triple_fault();

}  // namespace hal::power
