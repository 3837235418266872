#include "interrupts.hpp"

#include <hal/idt.hpp>
#include <hal/mmio.hpp>
#include <hal/pic.hpp>
#include <libk/fixed_vector.hpp>

#include "acpi.hpp"
#include "cpu.hpp"
#include "log.hpp"

namespace kernel::interrupts {

namespace {

using libk::acpi::Polarity;

struct IoApicInstance {
  u8 id;
  u32 gsi_base;
  u32 inputs;
  volatile void* registers;
};

constinit hal::CpuMsrIo msr_io;
constinit hal::XApicRegisters xapic_registers{nullptr};
constinit hal::X2ApicRegisters x2apic_registers{msr_io};
constinit hal::LocalApic lapic{xapic_registers};
constinit libk::FixedVector<IoApicInstance, 16> io_apics;
constinit Handler handlers[256] = {};
constinit Handler exit_hook = nullptr;

// The exit hook (the scheduler's preemption point) runs after the EOI: a thread switch there
// must not leave this vector in service while another thread runs.
void dispatch(hal::TrapFrame& frame) {
  if (Handler h = handlers[frame.vector & 0xFF]) h();
  lapic.eoi();
  if (exit_hook) exit_hook();
}

// Spurious interrupts need no handling; in particular no EOI: they set no ISR bit (SDM Vol. 3A
// §11.9; a masked 8259's spurious IRQ 7 is not in service either).
void on_spurious(hal::TrapFrame&) {}

void on_pic_spurious(hal::TrapFrame& frame) {
  if (frame.vector == hal::pic::kSlaveSpurious) hal::pic::acknowledge_spurious_slave();
}

void on_apic_error() { log::warn("interrupts: local APIC error, ESR {:#x}", lapic.error_status()); }

// Vectors >= 32 without a handler: end the interrupt if the local APIC delivered it.
void on_unexpected(hal::TrapFrame& frame) {
  log::warn("interrupts: unexpected interrupt on vector {} at {:#x}; ignored", frame.vector,
            frame.rip);
  if (frame.vector >= 32 && lapic.in_service(u8(frame.vector))) lapic.eoi();
}

void program_nmi_lints() {
  const libk::acpi::Madt* madt = acpi::madt();
  if (madt == nullptr) {  // the PC convention: LINT1 carries NMI
    lapic.set_lint(1, hal::LvtEntry(0).set_delivery(hal::LvtEntry::Delivery::Nmi));
    return;
  }
  u32 uid = libk::acpi::kAllProcessors;
  for (const auto& cpu : madt->local_apics)
    if (cpu.apic_id == lapic.id()) uid = cpu.processor_uid;
  for (const libk::acpi::LocalApicNmi& nmi : madt->local_apic_nmis) {
    if (nmi.processor_uid != libk::acpi::kAllProcessors && nmi.processor_uid != uid) continue;
    // NMI delivery is always edge-triggered (SDM Vol. 3A §11.5.1); polarity from the MADT.
    lapic.set_lint(nmi.lint, hal::LvtEntry(0)
                                 .set_delivery(hal::LvtEntry::Delivery::Nmi)
                                 .set_active_low(nmi.polarity == Polarity::ActiveLow));
  }
}

void enable_local_apic() {
  hal::ApicBase base = hal::ApicBase::read(msr_io);
  if (!base.enabled()) base.set_enabled(true).write(msr_io);
  // Once the firmware chose x2APIC mode the APIC cannot go back without a reset (§11.12.5).
  bool use_x2apic = cpu::info().x2apic || base.x2apic();
  if (use_x2apic && !base.x2apic()) base.set_x2apic(true).write(msr_io);
  if (use_x2apic) {
    lapic = hal::LocalApic(x2apic_registers);
  } else {
    xapic_registers = hal::XApicRegisters(hal::mmio::map(base.base(), libk::kPageSize));
    lapic = hal::LocalApic(xapic_registers);
  }
  lapic.enable(kSpuriousVector);
  const libk::acpi::Madt* madt = acpi::madt();
  if (madt && madt->local_apic_address != base.base() && !use_x2apic)
    log::warn("interrupts: MADT says the local APIC is at {:#x}, IA32_APIC_BASE says {:#x}",
              madt->local_apic_address, base.base());
  log::info("interrupts: local APIC {} in {} mode at {:#x}, version {:#x}, {} LVT entries",
            lapic.id(), use_x2apic ? "x2APIC" : "xAPIC", base.base(), lapic.version(),
            lapic.lvt_entries());
}

bool overlaps_existing(u32 base, u32 inputs) {
  for (const IoApicInstance& io : io_apics)
    if (libk::ranges_overlap(base, u64(base) + inputs, io.gsi_base, u64(io.gsi_base) + io.inputs))
      return true;
  return false;
}

void add_io_apic(const libk::acpi::IoApicEntry& entry) {
  volatile void* regs = hal::mmio::map(entry.address, 0x20);
  if (regs == nullptr) {
    log::warn("interrupts: I/O APIC {} at {:#x} is not reachable; skipped", entry.id,
              entry.address);
    return;
  }
  hal::MmioIoApicWindow window(regs);
  hal::IoApic io(window);
  u32 inputs = io.entries();
  if (overlaps_existing(entry.gsi_base, inputs)) {
    log::warn("interrupts: I/O APIC {} GSIs {}-{} overlap another I/O APIC; skipped", entry.id,
              entry.gsi_base, entry.gsi_base + inputs - 1);
    return;
  }
  io.mask_all();
  if (!io_apics.push_back({entry.id, entry.gsi_base, inputs, regs})) {
    log::warn("interrupts: more than {} I/O APICs; I/O APIC {} skipped", io_apics.capacity(),
              entry.id);
    return;
  }
  log::info("interrupts: I/O APIC {} at {:#x}, version {:#x}, GSIs {}-{}", entry.id, entry.address,
            io.version(), entry.gsi_base, entry.gsi_base + inputs - 1);
}

const IoApicInstance* io_apic_for(u32 gsi) {
  for (const IoApicInstance& io : io_apics)
    if (gsi >= io.gsi_base && gsi - io.gsi_base < io.inputs) return &io;
  return nullptr;
}

}  // namespace

void init() {
  hal::pic::remap_and_mask();
  hal::idt::set_handler(hal::pic::kMasterSpurious, on_pic_spurious);
  hal::idt::set_handler(hal::pic::kSlaveSpurious, on_pic_spurious);
  hal::idt::set_handler(kSpuriousVector, on_spurious);
  hal::idt::set_fallback(on_unexpected);
  enable_local_apic();
  program_nmi_lints();
  set_local_handler(kApicErrorVector, on_apic_error);
  lapic.set_error_vector(kApicErrorVector);
  if (const libk::acpi::Madt* madt = acpi::madt()) {
    for (const auto& entry : madt->io_apics) add_io_apic(entry);
  }
  if (io_apics.empty()) log::warn("interrupts: no I/O APIC; device interrupts are unavailable");
}

bool route_isa_irq(u8 irq, Handler handler) {
  const libk::acpi::Madt* madt = acpi::madt();
  libk::acpi::IsaRoute route =
      madt ? libk::acpi::route_isa_irq(*madt, irq) : libk::acpi::IsaRoute{irq, false, false};
  const IoApicInstance* io = io_apic_for(route.gsi);
  if (io == nullptr) {
    log::warn("interrupts: cannot route IRQ {} (GSI {}): no I/O APIC serves it", irq, route.gsi);
    return false;
  }
  if (lapic.id() > 0xFF) {  // needs interrupt remapping, which Ember does not do
    log::warn("interrupts: cannot route IRQ {}: APIC ID {} does not fit an I/O APIC entry", irq,
              lapic.id());
    return false;
  }
  u8 vector = u8(kIsaVectorBase + irq);
  handlers[vector] = handler;
  hal::idt::set_handler(vector, dispatch);
  auto entry = hal::RedirectionEntry(0)
                   .set_vector(vector)
                   .set_active_low(route.active_low)
                   .set_level_triggered(route.level_triggered)
                   .set_destination(u8(lapic.id()));
  hal::MmioIoApicWindow window(io->registers);
  hal::IoApic(window).set_entry(route.gsi - io->gsi_base, entry);
  log::info("interrupts: IRQ {} -> GSI {} ({}, {}) -> vector {:#x}", irq, route.gsi,
            route.active_low ? "active-low" : "active-high",
            route.level_triggered ? "level" : "edge", vector);
  return true;
}

void set_local_handler(u8 vector, Handler handler) {
  handlers[vector] = handler;
  hal::idt::set_handler(vector, dispatch);
}

void set_exit_hook(Handler hook) { exit_hook = hook; }

hal::LocalApic& local_apic() { return lapic; }
hal::MsrIo& msrs() { return msr_io; }
bool x2apic_mode() { return lapic.x2apic(); }

libk::Optional<IsaRoute> isa_route(u8 irq) {
  const libk::acpi::Madt* madt = acpi::madt();
  u32 gsi = madt ? libk::acpi::route_isa_irq(*madt, irq).gsi : irq;
  const IoApicInstance* io = io_apic_for(gsi);
  if (io == nullptr) return libk::nullopt;
  hal::MmioIoApicWindow window(io->registers);
  return IsaRoute{gsi, io->id, hal::IoApic(window).entry(gsi - io->gsi_base)};
}

}  // namespace kernel::interrupts
