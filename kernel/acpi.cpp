#include "acpi.hpp"

#include <boot/memory_map.hpp>

#include "boot.hpp"
#include "log.hpp"

namespace kernel::acpi {

namespace {

using namespace libk::acpi;

// Firmware tables live in RAM-typed ranges (ACPI reclaim/NVS, reserved, runtime); a pointer
// into a hole or device memory is refused rather than read.
class FirmwareMemory final : public PhysicalMemory {
 public:
  libk::Bytes read(u64 address, u64 length) override {
    u64 end = 0;
    if (length == 0 || !libk::checked_add(address, length, end)) return {};
    if (end > boot_info::get().direct_map_size || !inside_ram(address, end)) return {};
    return {boot_info::physical_to_virtual<const u8>(address), length};
  }

 private:
  static bool inside_ram(u64 begin, u64 end) {
    for (const boot::MemoryRange& r : boot_info::memory_map()) {
      if (begin < r.base || begin >= r.end()) continue;
      // Bad RAM is left out of the kernel's direct map (kernel_tables.cpp): reading it faults.
      if (!boot::is_ram(r.type) || r.type == boot::MemoryType::Bad) return false;
      if (end <= r.end()) return true;
      begin = r.end();  // continues in the next range, which must be adjacent RAM too
    }
    return false;
  }
};

constinit FirmwareMemory firmware_memory;
constinit Tables found_tables;
constinit bool have_tables = false;
constinit Madt parsed_madt;
constinit bool have_madt = false;
constinit HpetTable parsed_hpet = {};
constinit bool have_hpet = false;
constinit Fadt parsed_fadt;
constinit bool have_fadt = false;
constinit Mcfg parsed_mcfg;
constinit bool have_mcfg = false;

void report(const Diagnostics& diag) {
  for (const Diagnostic& d : diag.items()) log::warn("acpi: {}; skipped", d);
  if (diag.dropped()) log::warn("acpi: {} more problems not shown", diag.dropped());
}

void log_tables() {
  const Tables& t = found_tables;
  log::info("acpi: {} at {:#x} (OEM \"{}\", RSDP revision {}), {} tables", t.xsdt ? "XSDT" : "RSDT",
            t.root_address, t.oem_id, t.rsdp_revision, t.tables.size());
  for (const TableRef& t : found_tables.tables)
    log::debug("acpi:   {} at {:#x}, {} bytes, revision {}", t.signature, t.address, t.length,
               t.revision);
}

void log_madt() {
  const Madt& m = parsed_madt;
  log::info("acpi: MADT: local APIC at {:#x}, {} processors, {} I/O APICs, {} overrides{}",
            m.local_apic_address, m.local_apics.size(), m.io_apics.size(), m.overrides.size(),
            m.pcat_compat ? ", dual 8259s" : "");
  for (const IoApicEntry& io : m.io_apics)
    log::debug("acpi:   I/O APIC {} at {:#x}, GSI base {}", io.id, io.address, io.gsi_base);
  constexpr const char* kPolarity[] = {"bus default", "active-high", "active-low"};
  constexpr const char* kTrigger[] = {"bus default", "edge", "level"};
  for (const InterruptOverride& o : m.overrides)
    log::debug("acpi:   IRQ {} -> GSI {} ({}, {})", o.source, o.gsi, kPolarity[u8(o.polarity)],
               kTrigger[u8(o.trigger)]);
}

void log_mcfg() {
  for (const McfgEntry& e : parsed_mcfg.entries)
    log::debug("acpi: MCFG: PCI segment {} buses {}-{}, ECAM at {:#x}", e.segment, e.start_bus,
               e.end_bus, e.base);
}

template <typename Parsed, typename Parse>
bool parse_one(libk::StringView signature, Parse parse, Parsed& out, Diagnostics& diag) {
  const TableRef* ref = found_tables.find(signature);
  if (!ref) return false;
  auto result = parse(table_bytes(firmware_memory, *ref), ref->address, diag);
  if (!result) return false;
  out = result.value();
  return true;
}

}  // namespace

void init() {
  u64 rsdp = boot_info::get().rsdp;
  if (rsdp == 0) {
    log::warn("acpi: no RSDP from the loader; no ACPI tables");
    return;
  }
  Diagnostics diag;
  have_tables = discover(firmware_memory, rsdp, found_tables, diag).ok();
  if (have_tables) {
    log_tables();
    if (const TableRef* ref = found_tables.find("APIC")) {
      libk::Bytes bytes = table_bytes(firmware_memory, *ref);
      have_madt = parse_madt(bytes, ref->address, parsed_madt, diag).ok();
    }
    have_hpet = parse_one("HPET", parse_hpet, parsed_hpet, diag);
    have_fadt = parse_one("FACP", parse_fadt, parsed_fadt, diag);
    have_mcfg = parse_one("MCFG", parse_mcfg, parsed_mcfg, diag);
    if (have_madt) log_madt();
    if (have_hpet) log::info("acpi: HPET at {:#x}", parsed_hpet.address);
    if (have_mcfg) log_mcfg();
  }
  report(diag);
}

const Tables* tables() { return have_tables ? &found_tables : nullptr; }
const Madt* madt() { return have_madt ? &parsed_madt : nullptr; }
const HpetTable* hpet() { return have_hpet ? &parsed_hpet : nullptr; }
const Fadt* fadt() { return have_fadt ? &parsed_fadt : nullptr; }
const Mcfg* mcfg() { return have_mcfg ? &parsed_mcfg : nullptr; }
PhysicalMemory& memory() { return firmware_memory; }

}  // namespace kernel::acpi
