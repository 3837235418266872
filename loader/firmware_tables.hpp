// Finding the ACPI RSDP and the SMBIOS entry point in the UEFI configuration table.
#pragma once

#include "loader.hpp"

namespace loader {

struct FirmwareTables {
  u64 rsdp;
  u32 acpi_revision;
  u64 smbios;
  u32 smbios_major;
};

// ACPI 2.0 first, then ACPI 1.0; each RSDP's checksums are verified and a bad one is
// reported and skipped. SMBIOS 3 first, then SMBIOS 2.
FirmwareTables find_firmware_tables();

}  // namespace loader
