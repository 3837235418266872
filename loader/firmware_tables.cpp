#include "firmware_tables.hpp"

#include <libk/acpi_rsdp.hpp>

namespace loader {

namespace {

// UEFI 2.10 §4.6.1 (Industry Standard Configuration Tables).
constinit EFI_GUID kAcpi20Guid = ACPI_20_TABLE_GUID;
constinit EFI_GUID kAcpi10Guid = ACPI_TABLE_GUID;
constinit EFI_GUID kSmbios3Guid = SMBIOS3_TABLE_GUID;
constinit EFI_GUID kSmbiosGuid = SMBIOS_TABLE_GUID;

bool same_guid(const EFI_GUID& a, const EFI_GUID& b) {
  return __builtin_memcmp(&a, &b, sizeof(EFI_GUID)) == 0;
}

void* find_table(const EFI_GUID& guid) {
  const EFI_SYSTEM_TABLE* st = firmware.system;
  for (UINTN i = 0; i < st->NumberOfTableEntries; ++i)
    if (same_guid(st->ConfigurationTable[i].VendorGuid, guid))
      return st->ConfigurationTable[i].VendorTable;
  return nullptr;
}

bool usable_rsdp(const void* table, usize size, const char* which) {
  if (!table) return false;
  libk::acpi::RsdpProblem problem;
  if (libk::acpi::validate_rsdp(libk::Bytes(static_cast<const u8*>(table), size), problem))
    return true;
  print("{}: {} RSDP at {:p} rejected: {}\n", kName, which, table,
        libk::acpi::rsdp_problem_text(problem));
  return false;
}

}  // namespace

FirmwareTables find_firmware_tables() {
  FirmwareTables t{};
  void* acpi2 = find_table(kAcpi20Guid);
  // Read the 2.0 structure's own length only after the 36-byte prefix proved sane.
  if (usable_rsdp(acpi2, 36, "ACPI 2.0")) {
    t.rsdp = reinterpret_cast<u64>(acpi2);
    t.acpi_revision = static_cast<const libk::acpi::Rsdp*>(acpi2)->revision;
  } else if (void* acpi1 = find_table(kAcpi10Guid); usable_rsdp(acpi1, 20, "ACPI 1.0")) {
    t.rsdp = reinterpret_cast<u64>(acpi1);
    t.acpi_revision = 0;
  } else {
    print("{}: no usable ACPI RSDP; the kernel will run without ACPI\n", kName);
  }
  if (void* s3 = find_table(kSmbios3Guid))
    t.smbios = reinterpret_cast<u64>(s3), t.smbios_major = 3;
  else if (void* s2 = find_table(kSmbiosGuid))
    t.smbios = reinterpret_cast<u64>(s2), t.smbios_major = 2;
  return t;
}

}  // namespace loader
