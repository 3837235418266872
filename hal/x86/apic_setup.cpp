#include <hal/apic_setup.hpp>
#include <hal/mmio.hpp>
#include <hal/msr.hpp>
#include <libk/assert.hpp>

namespace hal::apic {

namespace {

using libk::unexpected;

constexpr u64 kIoApicWindowBytes = 0x20;  // IOREGSEL at 0x00, IOWIN at 0x10

constinit CpuMsrIo msr_io;
constinit XApicRegisters xapic_registers{nullptr};
constinit X2ApicRegisters x2apic_registers{msr_io};
constinit LocalApic lapic{xapic_registers};

constinit libk::irq::GsiMap gsis;
// io_apic_registers[i] reaches gsis.io_apics()[i].
constinit volatile void* io_apic_registers[libk::irq::GsiMap::kMaxIoApics] = {};

// The register window of the I/O APIC at `pin`, which must come from the GSI map.
MmioIoApicWindow window_for(libk::irq::GsiPin pin) {
  VERIFY(pin.io_apic < gsis.io_apics().size());
  return MmioIoApicWindow(io_apic_registers[pin.io_apic]);
}

}  // namespace

libk::Result<LocalApicInfo, LocalApicError> enable_local(const CpuInfo& cpu, u8 spurious_vector) {
  ApicBase base = ApicBase::read(msr_io);
  if (!base.enabled()) base.set_enabled(true).write(msr_io);
  bool use_x2apic = cpu.x2apic || base.x2apic();
  if (use_x2apic && !base.x2apic()) base.set_x2apic(true).write(msr_io);
  if (use_x2apic) {
    lapic = LocalApic(x2apic_registers);
  } else {
    volatile void* page = mmio::map(base.base(), libk::kPageSize);
    if (page == nullptr) return unexpected(LocalApicError::Unreachable);
    xapic_registers = XApicRegisters(page);
    lapic = LocalApic(xapic_registers);
  }
  lapic.enable(spurious_vector);
  return LocalApicInfo{lapic.id(), use_x2apic, base.base(), lapic.version(), lapic.lvt_entries()};
}

u32 enable_this_cpu(u8 spurious_vector) {
  ApicBase base = ApicBase::read(msr_io);
  if (!base.enabled()) base.set_enabled(true).write(msr_io);
  if (lapic.x2apic() && !base.x2apic()) base.set_x2apic(true).write(msr_io);
  lapic.enable(spurious_vector);
  return lapic.id();
}

void program_nmi_inputs(const libk::irq::LintNmiPlan& plan) {
  for (u8 lint = 0; lint < 2; ++lint) {
    if (!plan.lint[lint].nmi) continue;
    lapic.set_lint(lint, LvtEntry(0)
                             .set_delivery(LvtEntry::Delivery::Nmi)
                             .set_active_low(plan.lint[lint].active_low));
  }
}

LocalApic& local() { return lapic; }
MsrIo& msrs() { return msr_io; }

libk::Result<IoApicInfo, IoApicRefusal> add_io_apic(u8 id, u64 address, u32 gsi_base) {
  volatile void* registers = mmio::map(address, kIoApicWindowBytes);
  if (registers == nullptr) return unexpected(IoApicRefusal{true, {}, 0});
  MmioIoApicWindow window(registers);
  IoApic io(window);
  IoApicInfo info{io.version(), io.entries()};
  usize index = gsis.io_apics().size();
  if (auto added = gsis.add({id, address, gsi_base, info.inputs}); !added)
    return unexpected(IoApicRefusal{false, added.error(), info.inputs});
  io_apic_registers[index] = registers;
  io.mask_all();
  return info;
}

const libk::irq::GsiMap& gsi_map() { return gsis; }

void program_route(const libk::irq::IsaRoutePlan& plan, u8 vector) {
  auto entry = RedirectionEntry(0)
                   .set_vector(vector)
                   .set_active_low(plan.route.active_low)
                   .set_level_triggered(plan.route.level_triggered)
                   .set_destination(plan.destination);
  MmioIoApicWindow window = window_for(plan.pin);
  IoApic(window).set_entry(plan.pin.input, entry);
}

RedirectionEntry read_entry(libk::irq::GsiPin pin) {
  MmioIoApicWindow window = window_for(pin);
  return IoApic(window).entry(pin.input);
}

}  // namespace hal::apic
