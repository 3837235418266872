#include "interrupts.hpp"

#include <hal/apic_setup.hpp>
#include <hal/idt.hpp>
#include <hal/pic.hpp>
#include <hal/user_mode.hpp>
#include <libk/irq_routing.hpp>
#include <libk/vector_allocator.hpp>

#include "acpi.hpp"
#include "cpu/info.hpp"
#include "cpu/percpu.hpp"
#include "log.hpp"
#include "panic.hpp"
#include "proc/process.hpp"
#include "sync/spinlock.hpp"

namespace kernel::interrupts {

namespace {

constinit Handler handlers[256] = {};
constinit Handler exit_hook = nullptr;

// Device vectors. The allocator is under its lock; a vector's handler and context are
// published (release) before the device can send it, and read (acquire) by the dispatcher.
struct ContextEntry {
  ContextHandler handler;
  void* context;
};
constinit SpinLock vector_lock{"interrupt vectors", lock_rank::kDevice};
constinit libk::irq::VectorAllocator device_vectors GUARDED_BY(vector_lock){kDynamicVectorBase,
                                                                            kDynamicVectorEnd};
constinit ContextEntry context_handlers[256] = {};

// On the way back to ring 3 a thread of a process that is being ended stops instead
// (kernel/proc/process.hpp; the IPI that end_process sends is such an interrupt).
void before_return(const hal::TrapFrame& frame) {
  if (hal::user_mode::from_user(frame)) proc::on_return_to_user();
}

// The exit hook (the scheduler's preemption point) runs after the EOI: a thread switch there
// must not leave this vector in service while another thread runs.
void dispatch(hal::TrapFrame& frame) {
  Cpu& self = this_cpu();  // its counter: written by this CPU only
  self.interrupts.store(self.interrupts.load(libk::MemoryOrder::Relaxed) + 1,
                        libk::MemoryOrder::Relaxed);
  if (Handler h = handlers[frame.vector & 0xFF]) h();
  hal::apic::local().eoi();
  if (exit_hook) exit_hook();
  before_return(frame);
}

void dispatch_with_context(hal::TrapFrame& frame) {
  ContextEntry& e = context_handlers[frame.vector & 0xFF];
  if (auto h = __atomic_load_n(&e.handler, __ATOMIC_ACQUIRE)) h(e.context);
  hal::apic::local().eoi();
  if (exit_hook) exit_hook();
  before_return(frame);
}

// Spurious interrupts need no handling; in particular no EOI: they set no ISR bit (SDM Vol. 3A
// §11.9; a masked 8259's spurious IRQ 7 is not in service either).
void on_spurious(hal::TrapFrame&) {}

void on_pic_spurious(hal::TrapFrame& frame) {
  if (frame.vector == hal::pic::kSlaveSpurious) hal::pic::acknowledge_spurious_slave();
}

void on_apic_error() {
  log::warn("interrupts: local APIC error, ESR {:#x}", hal::apic::local().error_status());
}

// Vectors >= 32 without a handler: end the interrupt if the local APIC delivered it.
void on_unexpected(hal::TrapFrame& frame) {
  log::warn("interrupts: unexpected interrupt on vector {} at {:#x}; ignored", frame.vector,
            frame.rip);
  hal::LocalApic& lapic = hal::apic::local();
  if (frame.vector >= 32 && lapic.in_service(u8(frame.vector))) lapic.eoi();
}

void enable_local_apic() {
  auto enabled = hal::apic::enable_local(cpu::info(), kSpuriousVector);
  // Without its local APIC the CPU has no timer and no device interrupts: nothing to run on.
  if (!enabled) PANIC("the local APIC's registers are not reachable (xAPIC page not mapped)");
  const hal::apic::LocalApicInfo& apic = enabled.value();
  const libk::acpi::Madt* madt = acpi::madt();
  if (madt && madt->local_apic_address != apic.base && !apic.x2apic)
    log::warn("interrupts: MADT says the local APIC is at {:#x}, IA32_APIC_BASE says {:#x}",
              madt->local_apic_address, apic.base);
  log::info("interrupts: local APIC {} in {} mode at {:#x}, version {:#x}, {} LVT entries", apic.id,
            apic.x2apic ? "x2APIC" : "xAPIC", apic.base, apic.version, apic.lvt_entries);
}

const char* refusal_text(const hal::apic::IoApicRefusal& r) {
  if (r.unreachable) return "is not reachable";
  switch (r.map_error) {
    case libk::irq::GsiMapError::Overlap: return "overlap another I/O APIC";
    case libk::irq::GsiMapError::Full: return "are one I/O APIC too many";
    case libk::irq::GsiMapError::OutOfRange: return "run past the last GSI";
    case libk::irq::GsiMapError::NoInputs: return "are none: it has no inputs";
  }
  return "are refused";
}

void add_io_apic(const libk::acpi::IoApicEntry& entry) {
  auto added = hal::apic::add_io_apic(entry.id, entry.address, entry.gsi_base);
  if (!added) {
    const hal::apic::IoApicRefusal& r = added.error();
    if (r.unreachable)
      log::warn("interrupts: I/O APIC {} at {:#x} {}; skipped", entry.id, entry.address,
                refusal_text(r));
    else
      log::warn("interrupts: I/O APIC {} GSIs {}-{} {}; skipped", entry.id, entry.gsi_base,
                u64(entry.gsi_base) + r.inputs - 1, refusal_text(r));
    return;
  }
  log::info("interrupts: I/O APIC {} at {:#x}, version {:#x}, GSIs {}-{}", entry.id, entry.address,
            added.value().version, entry.gsi_base, entry.gsi_base + added.value().inputs - 1);
}

}  // namespace

void init() {
  hal::pic::remap_and_mask();
  hal::idt::set_handler(hal::pic::kMasterSpurious, on_pic_spurious);
  hal::idt::set_handler(hal::pic::kSlaveSpurious, on_pic_spurious);
  hal::idt::set_handler(kSpuriousVector, on_spurious);
  hal::idt::set_fallback(on_unexpected);
  enable_local_apic();
  this_cpu().apic_id = hal::apic::local().id();
  hal::apic::program_nmi_inputs(libk::irq::nmi_lints(acpi::madt(), hal::apic::local().id()));
  set_local_handler(kApicErrorVector, on_apic_error);
  hal::apic::local().set_error_vector(kApicErrorVector);
  if (const libk::acpi::Madt* madt = acpi::madt()) {
    for (const auto& entry : madt->io_apics) add_io_apic(entry);
  }
  if (hal::apic::gsi_map().empty())
    log::warn("interrupts: no I/O APIC; device interrupts are unavailable");
}

void init_this_cpu() {
  u32 id = hal::apic::enable_this_cpu(kSpuriousVector);
  hal::apic::program_nmi_inputs(libk::irq::nmi_lints(acpi::madt(), id));
  hal::apic::local().set_error_vector(kApicErrorVector);
}

// Device interrupts all go to the boot CPU (cpu 0), whichever CPU routes them: their handlers
// and the drivers' state assume one CPU takes them.
bool route_isa_irq(u8 irq, Handler handler) {
  u32 boot_cpu = cpu_at(0).apic_id;
  auto plan = libk::irq::plan_isa_route(acpi::madt(), hal::apic::gsi_map(), irq, boot_cpu);
  if (!plan) {
    if (plan.error() == libk::irq::RouteError::NoIoApic)
      log::warn("interrupts: cannot route IRQ {} (GSI {}): no I/O APIC serves it", irq,
                libk::irq::isa_route(acpi::madt(), irq).gsi);
    else
      log::warn("interrupts: cannot route IRQ {}: APIC ID {} does not fit an I/O APIC entry", irq,
                boot_cpu);
    return false;
  }
  const libk::acpi::IsaRoute& route = plan.value().route;
  u8 vector = u8(kIsaVectorBase + irq);
  handlers[vector] = handler;
  hal::idt::set_handler(vector, dispatch);
  hal::apic::program_route(plan.value(), vector);
  log::info("interrupts: IRQ {} -> GSI {} ({}, {}) -> vector {:#x}", irq, route.gsi,
            route.active_low ? "active-low" : "active-high",
            route.level_triggered ? "level" : "edge", vector);
  return true;
}

libk::Optional<u8> allocate_vectors(u8 count, ContextHandler handler, void* context) {
  VERIFY(handler != nullptr);
  SpinLockGuard guard(vector_lock);
  auto first = device_vectors.allocate(count);
  if (!first) return libk::nullopt;
  for (u16 v = *first; v < *first + count; ++v) {
    context_handlers[v].context = context;
    __atomic_store_n(&context_handlers[v].handler, handler, __ATOMIC_RELEASE);
    hal::idt::set_handler(u8(v), dispatch_with_context);
  }
  return first;
}

void free_vectors(u8 first, u8 count) {
  SpinLockGuard guard(vector_lock);
  if (!device_vectors.free(first, count))
    PANIC("interrupts: freeing vectors {:#x}+{} that were not allocated", first, count);
  for (u16 v = first; v < first + count; ++v) {
    hal::idt::set_handler(u8(v), nullptr);
    __atomic_store_n(&context_handlers[v].handler, nullptr, __ATOMIC_RELEASE);
  }
}

u32 free_vector_count() {
  SpinLockGuard guard(vector_lock);
  return device_vectors.free_count();
}

libk::Optional<u8> msi_destination() {
  u32 boot_cpu = cpu_at(0).apic_id;
  if (boot_cpu > 0xff) return libk::nullopt;
  return u8(boot_cpu);
}

void set_local_handler(u8 vector, Handler handler) {
  handlers[vector] = handler;
  hal::idt::set_handler(vector, dispatch);
}

void set_exit_hook(Handler hook) { exit_hook = hook; }

hal::LocalApic& local_apic() { return hal::apic::local(); }
hal::MsrIo& msrs() { return hal::apic::msrs(); }
bool x2apic_mode() { return hal::apic::local().x2apic(); }

libk::Optional<IsaRoute> isa_route(u8 irq) {
  u32 gsi = libk::irq::isa_route(acpi::madt(), irq).gsi;
  const libk::irq::GsiMap& map = hal::apic::gsi_map();
  auto pin = map.find(gsi);
  if (!pin) return libk::nullopt;
  return IsaRoute{gsi, map.io_apics()[pin->io_apic].id, hal::apic::read_entry(*pin)};
}

}  // namespace kernel::interrupts
