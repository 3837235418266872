// Interrupt routing decisions, pure (docs/interrupts.md, "Interrupt controllers"): which
// I/O APIC serves a global system interrupt (GSI), where an ISA IRQ arrives, and which local
// APIC inputs carry NMIs. The kernel reads the MADT and logs; hal/apic_setup.hpp programs
// the registers; what to program is decided here, and host-tested.
#pragma once

#include <libk/acpi_madt.hpp>
#include <libk/fixed_vector.hpp>
#include <libk/optional.hpp>
#include <libk/result.hpp>
#include <libk/span.hpp>
#include <libk/types.hpp>

namespace libk::irq {

// One I/O APIC and the GSIs it serves: inputs [gsi_base, gsi_base + inputs) (ACPI 6.5
// §5.2.12.3; the input count comes from the I/O APIC's version register).
struct IoApicRange {
  u8 id;
  u64 address;  // physical address of its registers
  u32 gsi_base;
  u32 inputs;

  constexpr u64 gsi_end() const { return u64(gsi_base) + inputs; }  // one past the last
  constexpr bool serves(u32 gsi) const { return gsi >= gsi_base && gsi - gsi_base < inputs; }
};

enum class GsiMapError : u8 {
  NoInputs,    // an I/O APIC with no redirection entries
  OutOfRange,  // its GSIs would run past 2^32 - 1
  Overlap,     // it serves GSIs another one already serves
  Full,        // more I/O APICs than the map holds
};

// A GSI's place: the I/O APIC that serves it and the input (redirection entry) number.
struct GsiPin {
  usize io_apic;  // index in GsiMap::io_apics()
  u32 input;
};

// The machine's I/O APICs. An I/O APIC whose GSIs overlap one already added is refused: two
// entries would claim one interrupt (ACPI 6.5 §5.2.13 gives each a disjoint range).
class GsiMap {
 public:
  static constexpr usize kMaxIoApics = 16;  // as many as the MADT parser keeps

  Result<void, GsiMapError> add(const IoApicRange& io_apic);
  Optional<GsiPin> find(u32 gsi) const;
  Span<const IoApicRange> io_apics() const { return io_apics_.span(); }
  bool empty() const { return io_apics_.empty(); }

 private:
  FixedVector<IoApicRange, kMaxIoApics> io_apics_;
};

// Where ISA `irq` arrives: the MADT's interrupt source override for it, else identity,
// active-high, edge-triggered (ACPI 6.5 §5.2.12.5). Without an MADT (nullptr): identity.
acpi::IsaRoute isa_route(const acpi::Madt* madt, u8 irq);

// Everything needed to program one redirection entry for an ISA IRQ.
struct IsaRoutePlan {
  acpi::IsaRoute route;  // GSI, polarity, trigger
  GsiPin pin;            // which I/O APIC input
  u8 destination;        // the physical APIC ID to deliver to
};

enum class RouteError : u8 {
  NoIoApic,            // no I/O APIC serves the IRQ's GSI
  DestinationTooWide,  // the APIC ID exceeds the entry's 8-bit destination (needs
                       // interrupt remapping, which Ember does not do)
};

// Plans the route of ISA `irq` to the CPU whose local APIC ID is `apic_id`.
Result<IsaRoutePlan, RouteError> plan_isa_route(const acpi::Madt* madt, const GsiMap& map, u8 irq,
                                                u32 apic_id);

// How a local APIC input (LINT0, LINT1) is wired to NMI (SDM Vol. 3A §11.5.1: NMI delivery is
// always edge-triggered; the MADT gives the polarity).
struct LintNmi {
  bool nmi = false;  // deliver this input as an NMI
  bool active_low = false;
};
struct LintNmiPlan {
  LintNmi lint[2];
};

// The NMI inputs of the CPU with local APIC `apic_id`: the MADT's local APIC NMI entries
// that name its processor UID (found through its local APIC entry) or all processors, a later
// entry for the same input replacing an earlier one. Without an MADT (nullptr), the PC
// convention: LINT1, active-high.
LintNmiPlan nmi_lints(const acpi::Madt* madt, u32 apic_id);

}  // namespace libk::irq
