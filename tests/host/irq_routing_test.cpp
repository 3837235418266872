// Interrupt routing decisions (libk/irq_routing.hpp): the I/O APIC map, ISA IRQ routes and
// NMI inputs, from MADT contents like QEMU's and like multi-I/O-APIC servers'.
#include <catch2/catch.hpp>

#include <libk/irq_routing.hpp>

using libk::acpi::kAllProcessors;
using libk::acpi::Madt;
using libk::acpi::Polarity;
using libk::acpi::Trigger;
using libk::irq::GsiMap;
using libk::irq::GsiMapError;
using libk::irq::IoApicRange;
using libk::irq::RouteError;

namespace {

// QEMU's machines: one I/O APIC with 24 inputs, IRQ 0 -> GSI 2, IRQ 9 level-triggered.
Madt qemu_madt() {
  Madt m;
  REQUIRE(m.local_apics.push_back({0, 0, true, false, false}));
  REQUIRE(m.io_apics.push_back({0, 0xFEC0'0000, 0}));
  REQUIRE(m.overrides.push_back({0, 0, 2, Polarity::Conforms, Trigger::Conforms}));
  REQUIRE(m.overrides.push_back({0, 9, 9, Polarity::ActiveHigh, Trigger::Level}));
  REQUIRE(m.local_apic_nmis.push_back({kAllProcessors, 1, Polarity::Conforms, Trigger::Conforms}));
  return m;
}

GsiMap two_io_apics() {
  GsiMap map;
  REQUIRE(map.add({0, 0xFEC0'0000, 0, 24}).ok());
  REQUIRE(map.add({1, 0xFEC1'0000, 24, 32}).ok());
  return map;
}

}  // namespace

TEST_CASE("each GSI is found on the I/O APIC whose range holds it, at its input", "[irq]") {
  GsiMap map = two_io_apics();
  auto first = map.find(23), second = map.find(24), last = map.find(55);
  REQUIRE(first.has_value());
  CHECK(first->io_apic == 0);
  CHECK(first->input == 23);
  REQUIRE(second.has_value());
  CHECK(second->io_apic == 1);
  CHECK(second->input == 0);
  REQUIRE(last.has_value());
  CHECK(last->input == 31);
  CHECK_FALSE(map.find(56).has_value());
  CHECK_FALSE(GsiMap{}.find(0).has_value());
}

TEST_CASE("an I/O APIC overlapping another's GSIs is refused and not added", "[irq]") {
  GsiMap map = two_io_apics();
  auto r = map.add({2, 0xFEC2'0000, 50, 8});  // 50-57 overlaps 24-55
  REQUIRE_FALSE(r.ok());
  CHECK(r.error() == GsiMapError::Overlap);
  CHECK(map.io_apics().size() == 2);
  CHECK_FALSE(map.find(56).has_value());
  CHECK(map.add({2, 0xFEC2'0000, 56, 8}).ok());  // adjacent is fine
  CHECK(map.find(56)->io_apic == 2);
}

TEST_CASE("an I/O APIC with no inputs or GSIs past 2^32 is refused", "[irq]") {
  GsiMap map;
  CHECK(map.add({0, 0xFEC0'0000, 0, 0}).error() == GsiMapError::NoInputs);
  CHECK(map.add({0, 0xFEC0'0000, 0xFFFF'FFF0, 24}).error() == GsiMapError::OutOfRange);
  CHECK(map.add({0, 0xFEC0'0000, 0xFFFF'FFE8, 24}).ok());  // ends exactly at 2^32
  CHECK(map.find(0xFFFF'FFFF)->input == 23);
}

TEST_CASE("the map holds at most 16 I/O APICs", "[irq]") {
  GsiMap map;
  for (u32 i = 0; i < GsiMap::kMaxIoApics; ++i) REQUIRE(map.add({u8(i), 0, 24 * i, 24}).ok());
  CHECK(map.add({16, 0, 24 * 16, 24}).error() == GsiMapError::Full);
}

TEST_CASE("ISA IRQs follow the overrides; without an MADT they are identity", "[irq]") {
  Madt m = qemu_madt();
  auto timer = libk::irq::isa_route(&m, 0);
  CHECK(timer.gsi == 2);
  CHECK_FALSE(timer.level_triggered);
  auto sci = libk::irq::isa_route(&m, 9);
  CHECK(sci.level_triggered);
  CHECK_FALSE(sci.active_low);
  auto none = libk::irq::isa_route(nullptr, 5);
  CHECK(none.gsi == 5);
  CHECK_FALSE(none.active_low);
  CHECK_FALSE(none.level_triggered);
}

TEST_CASE("an ISA route plan names the I/O APIC input and the destination", "[irq]") {
  Madt m = qemu_madt();
  GsiMap map;
  REQUIRE(map.add({0, 0xFEC0'0000, 0, 24}).ok());
  auto keyboard = libk::irq::plan_isa_route(&m, map, 1, 0);
  REQUIRE(keyboard.ok());
  CHECK(keyboard.value().route.gsi == 1);
  CHECK(keyboard.value().pin.input == 1);
  CHECK(keyboard.value().destination == 0);
  auto timer = libk::irq::plan_isa_route(&m, map, 0, 3);
  REQUIRE(timer.ok());
  CHECK(timer.value().pin.input == 2);  // through the override
  CHECK(timer.value().destination == 3);
}

TEST_CASE("an ISA route fails without an I/O APIC for it or for a wide APIC ID", "[irq]") {
  Madt m = qemu_madt();
  GsiMap map;
  CHECK(libk::irq::plan_isa_route(&m, map, 1, 0).error() == RouteError::NoIoApic);
  REQUIRE(map.add({0, 0xFEC0'0000, 0, 24}).ok());
  CHECK(libk::irq::plan_isa_route(&m, map, 1, 0xFF).ok());
  CHECK(libk::irq::plan_isa_route(&m, map, 1, 0x100).error() == RouteError::DestinationTooWide);
}

TEST_CASE("without an MADT, LINT1 is the NMI input (PC convention)", "[irq]") {
  auto plan = libk::irq::nmi_lints(nullptr, 0);
  CHECK_FALSE(plan.lint[0].nmi);
  CHECK(plan.lint[1].nmi);
  CHECK_FALSE(plan.lint[1].active_low);
}

TEST_CASE("NMI entries apply to all processors or to this CPU's UID only", "[irq]") {
  Madt m;
  REQUIRE(m.local_apics.push_back({7, 2, true, false, false}));  // UID 7 is APIC ID 2
  REQUIRE(m.local_apics.push_back({8, 3, true, false, false}));
  REQUIRE(m.local_apic_nmis.push_back({8, 0, Polarity::ActiveLow, Trigger::Edge}));  // other CPU
  REQUIRE(m.local_apic_nmis.push_back({7, 1, Polarity::ActiveLow, Trigger::Edge}));
  auto mine = libk::irq::nmi_lints(&m, 2);
  CHECK_FALSE(mine.lint[0].nmi);
  CHECK(mine.lint[1].nmi);
  CHECK(mine.lint[1].active_low);
  auto other = libk::irq::nmi_lints(&m, 3);
  CHECK(other.lint[0].nmi);
  CHECK_FALSE(other.lint[1].nmi);
  // A CPU the MADT does not list gets only the all-processors entries: here none.
  auto unlisted = libk::irq::nmi_lints(&m, 9);
  CHECK_FALSE(unlisted.lint[0].nmi);
  CHECK_FALSE(unlisted.lint[1].nmi);
  REQUIRE(m.local_apic_nmis.push_back({kAllProcessors, 0, Polarity::Conforms, Trigger::Edge}));
  CHECK(libk::irq::nmi_lints(&m, 9).lint[0].nmi);
}
