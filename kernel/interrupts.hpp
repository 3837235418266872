// Interrupt controllers: the legacy 8259s masked, the local APIC (x2APIC mode when the CPU
// offers it, xAPIC otherwise), the I/O APICs from the MADT, and routing of ISA IRQs through
// them honouring the MADT's interrupt source overrides. See docs/interrupts.md.
//
// Vectors:
//   0x00-0x1F  CPU exceptions (kernel/exceptions.hpp)
//   0x20-0x2F  the 8259s, remapped and masked (only their spurious IRQ 7/15 can arrive)
//   0x30-0x3F  ISA IRQ n on vector 0x30 + n, through the I/O APIC
//   0x40-0xEF  device interrupts (MSI, MSI-X), allocated with allocate_vectors()
//   0xF0       local APIC timer
//   0xF1       reschedule IPI (kernel/cpu/ipi.hpp)
//   0xF2       call-function IPI (TLB shootdown among its uses)
//   0xFE       local APIC error
//   0xFF       local APIC spurious interrupt
#pragma once

#include <hal/ioapic.hpp>
#include <hal/lapic.hpp>
#include <libk/optional.hpp>

namespace kernel::interrupts {

inline constexpr u8 kIsaVectorBase = 0x30;
inline constexpr u8 kDynamicVectorBase = 0x40;
inline constexpr u8 kDynamicVectorEnd = 0xF0;  // one past the last
inline constexpr u8 kTimerVector = 0xF0;
inline constexpr u8 kRescheduleVector = 0xF1;
inline constexpr u8 kCallFunctionVector = 0xF2;
inline constexpr u8 kApicErrorVector = 0xFE;
inline constexpr u8 kSpuriousVector = 0xFF;

// Runs in interrupt context with interrupts disabled; the EOI is sent after it returns.
using Handler = void (*)();

// Masks the 8259s, enables the local APIC and masks every I/O APIC input. Needs
// exceptions::init(), cpu::init() and acpi::init() (without an MADT: the APIC base from
// IA32_APIC_BASE, LINT1 as NMI, and no I/O APIC). Interrupts stay disabled.
void init();
// An AP's share of init(): its local APIC (in the mode CPU 0 chose), its NMI inputs, its
// error interrupt. Context: the AP's first steps, interrupts off.
void init_this_cpu();

// Routes ISA `irq` to this CPU on vector kIsaVectorBase + irq, with the polarity and trigger
// mode the MADT gives for it. False (and a warning) if no I/O APIC serves its GSI.
// Context: boot sequence.
bool route_isa_irq(u8 irq, Handler handler);

// A device interrupt handler (MSI, MSI-X) with the context its driver registered. Runs in
// interrupt context with interrupts disabled; the EOI is sent after it returns.
using ContextHandler = void (*)(void* context);

// Allocates `count` consecutive vectors (a power of two, aligned to it, as multiple-message
// MSI needs) from the device range and installs `handler(context)` on each. Returns the
// first vector, or nullopt when the range has no such block. Context: thread or boot.
libk::Optional<u8> allocate_vectors(u8 count, ContextHandler handler, void* context);
// Removes the handlers and returns the vectors. The device must no longer send them (its
// MSI/MSI-X disabled or masked first). A block that was not allocated is a kernel panic.
void free_vectors(u8 first, u8 count);
// Device vectors still free, for tests and diagnostics.
u32 free_vector_count();

// The local APIC ID that MSI and MSI-X messages are sent to: the boot CPU's (cpu 0), like
// the ISA IRQs, whichever CPU asks; the one place to change when device interrupts are
// spread over several CPUs. nullopt when that ID does not fit the 8-bit destination field of
// an xAPIC-format message (SDM Vol. 3A §11.11.1): IDs above 255 need interrupt remapping.
libk::Optional<u8> msi_destination();

// Installs `handler` for a local APIC vector (the timer). Context: boot sequence.
void set_local_handler(u8 vector, Handler handler);

// Called at the end of every device and local APIC interrupt, after the EOI, still with
// interrupts disabled: the scheduler switches threads there when the interrupt made that
// necessary (kernel/sched/scheduler.hpp). Context: boot sequence.
void set_exit_hook(Handler hook);

hal::LocalApic& local_apic();
hal::MsrIo& msrs();
bool x2apic_mode();

// Where an ISA IRQ was routed, read back from the I/O APIC.
struct IsaRoute {
  u32 gsi;
  u8 io_apic_id;
  hal::RedirectionEntry entry;
};
libk::Optional<IsaRoute> isa_route(u8 irq);

}  // namespace kernel::interrupts
