// The HPET description table (IA-PC HPET Specification 1.0a, §3.2.4, Table 3): where the
// event timer block's registers are.
#pragma once

#include <libk/acpi.hpp>

namespace libk::acpi {

struct HpetTable {
  u64 address;  // physical address of the register block (system memory)
  u8 hardware_revision;
  u8 comparators;      // in the first timer block
  bool counter_64bit;  // COUNT_SIZE_CAP
  bool legacy_replacement;
  u16 vendor_id;
  u8 number;         // HPET sequence number
  u16 minimum_tick;  // main counter minimum clock tick in periodic mode
};

// Parses a validated HPET table: at least 56 bytes, registers in system memory at a non-zero,
// 1 KiB-aligned address (the register block is 1 KiB).
Result<HpetTable, Problem> parse_hpet(Bytes table, u64 address, Diagnostics& diag);

}  // namespace libk::acpi
