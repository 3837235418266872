#include <libk/acpi_mcfg.hpp>

namespace libk::acpi {

namespace {

// Table 4-3: the header, 8 reserved bytes, then 16-byte allocation entries.
constexpr u32 kEntriesOffset = 44;
constexpr u32 kEntrySize = 16;
constexpr u64 kBusWindow = u64{1} << 20;

McfgEntry read_entry(const u8* p) { return {load_le<u64>(p), load_le<u16>(p + 8), p[10], p[11]}; }

bool overlaps(const Mcfg& mcfg, const McfgEntry& e) {
  for (const McfgEntry& other : mcfg.entries)
    if (other.segment == e.segment && other.start_bus <= e.end_bus && e.start_bus <= other.end_bus)
      return true;
  return false;
}

// The window's last byte must not wrap the address space.
bool window_fits(const McfgEntry& e) {
  u64 end = 0;
  return checked_add(e.base, (u64(e.end_bus) + 1) * kBusWindow - 1, end);
}

}  // namespace

const McfgEntry* Mcfg::find(u16 segment, u8 bus) const {
  for (const McfgEntry& e : entries)
    if (e.covers(segment, bus)) return &e;
  return nullptr;
}

Result<Mcfg, Problem> parse_mcfg(Bytes table, u64 address, Diagnostics& diag) {
  if (table.size() < kEntriesOffset) {
    diag.add(Problem::TableTooShort, "MCFG", address, table.size(), kEntriesOffset);
    return Unexpected<Problem>{Problem::TableTooShort};
  }
  Mcfg mcfg;
  for (usize off = kEntriesOffset; off + kEntrySize <= table.size(); off += kEntrySize) {
    McfgEntry e = read_entry(table.data() + off);
    if (e.base == 0 || e.base % kBusWindow != 0 || !window_fits(e)) {
      diag.add(Problem::BadAddress, "MCFG", address, e.base);
    } else if (e.end_bus < e.start_bus) {
      diag.add(Problem::BadBusRange, "MCFG", address, e.start_bus, e.end_bus);
    } else if (overlaps(mcfg, e)) {
      diag.add(Problem::RangeOverlap, "MCFG", address, e.segment);
    } else if (!mcfg.entries.push_back(e)) {
      diag.add(Problem::TooManyEntries, "MCFG", address, 0);
      break;
    }
  }
  return mcfg;
}

}  // namespace libk::acpi
