// This CPU's local APIC and the machine's I/O APICs, set up and programmed (Intel SDM Vol. 3A
// chapter 11; 82093AA I/O APIC datasheet). hal holds the controllers (the register access
// paths and the map of GSIs to I/O APIC inputs); what to program comes from
// libk/irq_routing.hpp, and the kernel (kernel/interrupts.cpp) composes the two with the
// MADT and logs the results. Nothing here logs: outcomes are returned as values.
//
// Context: boot sequence, interrupts disabled, one CPU.
#pragma once

#include <hal/cpu_info.hpp>
#include <hal/ioapic.hpp>
#include <hal/lapic.hpp>
#include <libk/irq_routing.hpp>
#include <libk/optional.hpp>
#include <libk/result.hpp>

namespace hal::apic {

// What enable_local() found and did.
struct LocalApicInfo {
  u32 id;
  bool x2apic;  // running in x2APIC mode
  u64 base;     // IA32_APIC_BASE's physical base (where the xAPIC page is)
  u8 version;
  u8 lvt_entries;
};

enum class LocalApicError : u8 {
  Unreachable,  // xAPIC mode and the register page is not mappable (hal::mmio)
};

// Enables this CPU's local APIC: the global enable in IA32_APIC_BASE; x2APIC mode when the
// CPU offers it (CPUID.1:ECX[21]) or the firmware already chose it (it cannot go back
// without a reset, §11.12.5), xAPIC through its MMIO page otherwise; then software-enabled
// with `spurious_vector`, TPR 0, every LVT entry masked (LocalApic::enable).
libk::Result<LocalApicInfo, LocalApicError> enable_local(const CpuInfo& cpu, u8 spurious_vector);

// Enables an AP's local APIC in the mode enable_local() chose on the bootstrap CPU (every
// CPU's APIC answers at the same MMIO page, or the same MSRs, for itself) and returns its ID.
// Context: the AP's first steps; enable_local() ran on the bootstrap CPU.
u32 enable_this_cpu(u8 spurious_vector);

// Programs LINT0/LINT1 as NMI inputs as `plan` says; the others stay masked.
void program_nmi_inputs(const libk::irq::LintNmiPlan& plan);

// This CPU's local APIC (valid after enable_local) and the MSR path its x2APIC mode and the
// TSC-deadline timer use.
LocalApic& local();
MsrIo& msrs();

// What add_io_apic() read from an I/O APIC.
struct IoApicInfo {
  u8 version;
  u32 inputs;  // redirection entries, from the version register
};

struct IoApicRefusal {
  bool unreachable;                  // its registers are not mappable (hal::mmio)
  libk::irq::GsiMapError map_error;  // otherwise: why the GSI map refused it
  u32 inputs;                        // its input count, when it was reachable
};

// Reads the I/O APIC at `address` serving GSIs from `gsi_base`, adds it to the GSI map and
// masks every input. Refused (and left untouched) if its registers are unreachable or the
// GSI map refuses its range (overlap, too many I/O APICs).
libk::Result<IoApicInfo, IoApicRefusal> add_io_apic(u8 id, u64 address, u32 gsi_base);

// The I/O APICs added so far and the GSIs they serve.
const libk::irq::GsiMap& gsi_map();

// Programs the redirection entry `plan` names: `vector`, fixed delivery, physical
// destination, the route's polarity and trigger mode, unmasked. The entry is written masked
// first (IoApic::set_entry), so the pin is never live half-written.
void program_route(const libk::irq::IsaRoutePlan& plan, u8 vector);

// The redirection entry of `pin` as the I/O APIC holds it now.
RedirectionEntry read_entry(libk::irq::GsiPin pin);

}  // namespace hal::apic
