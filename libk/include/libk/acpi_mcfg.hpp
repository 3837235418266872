// The PCI Express memory-mapped configuration table, MCFG (PCI Firmware Specification 3.0,
// §4.1.2, Table 4-3): where each PCI segment's ECAM window is, for which buses. Every entry
// is checked: a window must be 1 MiB-aligned (each bus takes 1 MiB: 32 devices x 8
// functions x 4 KiB), its bus range must not be reversed, and two entries must not claim the
// same bus of a segment.
#pragma once

#include <libk/acpi.hpp>

namespace libk::acpi {

struct McfgEntry {
  u64 base;  // physical address of bus 0's configuration space in this segment's window
  u16 segment;
  u8 start_bus;
  u8 end_bus;

  // Physical address of the 4 KiB configuration space of bus:device.function (which the
  // caller has checked is inside [start_bus, end_bus], device < 32, function < 8).
  constexpr u64 function_address(u8 bus, u8 device, u8 function) const {
    return base + (u64(bus) << 20) + (u64(device) << 15) + (u64(function) << 12);
  }
  // Bytes of configuration space from start_bus through end_bus (1 MiB per bus).
  constexpr u64 window_bytes() const { return (u64(end_bus) - start_bus + 1) << 20; }
  constexpr bool covers(u16 seg, u8 bus) const {
    return seg == segment && bus >= start_bus && bus <= end_bus;
  }
};

inline constexpr usize kMaxMcfgEntries = 16;

struct Mcfg {
  FixedVector<McfgEntry, kMaxMcfgEntries> entries;

  // The entry whose window holds segment:bus, or nullptr.
  const McfgEntry* find(u16 segment, u8 bus) const;
};

// Parses a validated MCFG table. Bad entries are reported in `diag` and skipped; the table is
// refused only if it is too short for its header and reserved field (44 bytes).
Result<Mcfg, Problem> parse_mcfg(Bytes table, u64 address, Diagnostics& diag);

}  // namespace libk::acpi
