// The Multiple APIC Description Table (ACPI 6.5 §5.2.12): local APICs (one per processor),
// I/O APICs, how ISA interrupts map onto global system interrupts, and NMI wiring.
#pragma once

#include <libk/acpi.hpp>

namespace libk::acpi {

// MPS INTI flags (ACPI 6.5 Table 5.26): "conforms" means the bus's default, which for ISA
// is active-high, edge-triggered.
enum class Polarity : u8 { Conforms, ActiveHigh, ActiveLow };
enum class Trigger : u8 { Conforms, Edge, Level };

struct LocalApicEntry {
  u32 processor_uid;
  u32 apic_id;
  bool enabled;         // usable now
  bool online_capable;  // may be enabled at run time
  bool x2apic;          // from a Processor Local x2APIC entry (type 9)
};

struct IoApicEntry {
  u8 id;
  u32 address;   // physical address of its registers
  u32 gsi_base;  // first global system interrupt it serves
};

struct InterruptOverride {
  u8 bus;     // 0 = ISA
  u8 source;  // the ISA IRQ
  u32 gsi;
  Polarity polarity;
  Trigger trigger;
};

struct NmiSource {
  u32 gsi;
  Polarity polarity;
  Trigger trigger;
};

inline constexpr u32 kAllProcessors = 0xFFFF'FFFF;

struct LocalApicNmi {
  u32 processor_uid;  // kAllProcessors for "all" (0xFF in type 4, 0xFFFFFFFF in type 0xA)
  u8 lint;            // 0 or 1
  Polarity polarity;
  Trigger trigger;
};

struct Madt {
  u64 local_apic_address = 0;  // from the header, or a type-5 override
  bool pcat_compat = false;    // dual 8259s present (they must be masked)
  FixedVector<LocalApicEntry, 256> local_apics;
  FixedVector<IoApicEntry, 16> io_apics;
  FixedVector<InterruptOverride, 32> overrides;
  FixedVector<NmiSource, 16> nmi_sources;
  FixedVector<LocalApicNmi, 16> local_apic_nmis;
  u32 unknown_entries = 0;  // entries of types Ember does not use (skipped by their length)
};

// MADT entry types — ACPI 6.5 Table 5.21.
enum MadtEntryType : u8 {
  kMadtLocalApic = 0,
  kMadtIoApic = 1,
  kMadtInterruptOverride = 2,
  kMadtNmiSource = 3,
  kMadtLocalApicNmi = 4,
  kMadtLocalApicAddress = 5,
  kMadtLocalX2Apic = 9,
  kMadtLocalX2ApicNmi = 10,
};

// Parses a validated MADT (from read_table/discover). Malformed entries are reported and
// skipped; an entry whose length would run past the table ends the walk. Fails only if the
// table is too short for its fixed fields.
Result<void, Problem> parse_madt(Bytes table, u64 address, Madt& out, Diagnostics& diag);

// Where an ISA IRQ arrives: identity-mapped, active-high, edge-triggered unless an interrupt
// source override says otherwise (ACPI 6.5 §5.2.12.5).
struct IsaRoute {
  u32 gsi;
  bool active_low;
  bool level_triggered;
};
IsaRoute route_isa_irq(const Madt& madt, u8 irq);

}  // namespace libk::acpi
