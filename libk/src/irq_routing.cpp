#include <libk/irq_routing.hpp>
#include <libk/utility.hpp>

namespace libk::irq {

namespace {

constexpr u64 kGsiLimit = u64{1} << 32;  // GSIs are 32-bit numbers
constexpr u32 kMaxPhysicalDestination = 0xFF;

bool overlaps(const IoApicRange& a, const IoApicRange& b) {
  return ranges_overlap(a.gsi_base, a.gsi_end(), b.gsi_base, b.gsi_end());
}

// The processor UID the MADT gives the CPU with local APIC `apic_id`; kAllProcessors if it
// lists none (then only "all processors" NMI entries apply to it).
u32 processor_uid(const acpi::Madt& madt, u32 apic_id) {
  u32 uid = acpi::kAllProcessors;
  for (const acpi::LocalApicEntry& cpu : madt.local_apics)
    if (cpu.apic_id == apic_id) uid = cpu.processor_uid;
  return uid;
}

}  // namespace

Result<void, GsiMapError> GsiMap::add(const IoApicRange& io_apic) {
  if (io_apic.inputs == 0) return unexpected(GsiMapError::NoInputs);
  if (io_apic.gsi_end() > kGsiLimit) return unexpected(GsiMapError::OutOfRange);
  for (const IoApicRange& other : io_apics_)
    if (overlaps(io_apic, other)) return unexpected(GsiMapError::Overlap);
  if (!io_apics_.push_back(io_apic)) return unexpected(GsiMapError::Full);
  return {};
}

Optional<GsiPin> GsiMap::find(u32 gsi) const {
  for (usize i = 0; i < io_apics_.size(); ++i)
    if (io_apics_[i].serves(gsi)) return GsiPin{i, gsi - io_apics_[i].gsi_base};
  return nullopt;
}

acpi::IsaRoute isa_route(const acpi::Madt* madt, u8 irq) {
  if (madt == nullptr) return {irq, false, false};
  return acpi::route_isa_irq(*madt, irq);
}

Result<IsaRoutePlan, RouteError> plan_isa_route(const acpi::Madt* madt, const GsiMap& map, u8 irq,
                                                u32 apic_id) {
  acpi::IsaRoute route = isa_route(madt, irq);
  Optional<GsiPin> pin = map.find(route.gsi);
  if (!pin) return unexpected(RouteError::NoIoApic);
  if (apic_id > kMaxPhysicalDestination) return unexpected(RouteError::DestinationTooWide);
  return IsaRoutePlan{route, *pin, u8(apic_id)};
}

LintNmiPlan nmi_lints(const acpi::Madt* madt, u32 apic_id) {
  LintNmiPlan plan;
  if (madt == nullptr) {  // the PC convention: LINT1 carries NMI
    plan.lint[1].nmi = true;
    return plan;
  }
  u32 uid = processor_uid(*madt, apic_id);
  for (const acpi::LocalApicNmi& nmi : madt->local_apic_nmis) {
    if (nmi.processor_uid != acpi::kAllProcessors && nmi.processor_uid != uid) continue;
    plan.lint[nmi.lint & 1] = {true, nmi.polarity == acpi::Polarity::ActiveLow};
  }
  return plan;
}

}  // namespace libk::irq
