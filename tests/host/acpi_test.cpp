// The ACPI parser (libk/acpi*.hpp) on the tables QEMU 7.2 + OVMF give the q35 and pc
// machines (captured by tools/capture_acpi.py into tests/data/acpi/), and on corrupted
// variants of them: every bad table is reported and skipped, never trusted.
#include <catch2/catch.hpp>
#include <cstring>
#include <string>
#include <vector>

#include <libk/acpi.hpp>
#include <libk/acpi_fadt.hpp>
#include <libk/acpi_hpet.hpp>
#include <libk/acpi_madt.hpp>

#include "acpi_fixture.hpp"

using namespace libk::acpi;
using ember_test::CapturedMemory;

namespace {

std::vector<std::string> signatures(const Tables& t) {
  std::vector<std::string> out;
  for (const TableRef& ref : t.tables) out.push_back(ref.signature);
  return out;
}

struct Walk {
  Tables tables;
  Diagnostics diag;
  bool ok;
};

Walk walk(CapturedMemory& memory) {
  Walk w{};
  w.ok = discover(memory, memory.rsdp_address(), w.tables, w.diag).ok();
  return w;
}

Madt parse_captured_madt(CapturedMemory& memory) {
  Walk w = walk(memory);
  const TableRef* ref = w.tables.find("APIC");
  REQUIRE(ref != nullptr);
  Madt madt;
  Diagnostics diag;
  REQUIRE(parse_madt(table_bytes(memory, *ref), ref->address, madt, diag).ok());
  CHECK(diag.empty());
  return madt;
}

}  // namespace

TEST_CASE("q35: the tables are found from the RSDP through the XSDT", "[acpi]") {
  CapturedMemory memory("q35");
  Walk w = walk(memory);
  REQUIRE(w.ok);
  CHECK(w.diag.empty());
  CHECK(w.tables.xsdt);
  CHECK(w.tables.rsdp_revision == 2);
  CHECK(std::string(w.tables.oem_id) == "BOCHS ");
  CHECK(signatures(w.tables) ==
        std::vector<std::string>{"FACP", "APIC", "HPET", "MCFG", "WAET", "BGRT"});
}

TEST_CASE("pc: the tables are found from the RSDP through the XSDT", "[acpi]") {
  CapturedMemory memory("pc");
  Walk w = walk(memory);
  REQUIRE(w.ok);
  CHECK(w.diag.empty());
  CHECK(signatures(w.tables) == std::vector<std::string>{"FACP", "APIC", "HPET", "WAET", "BGRT"});
}

TEST_CASE("an ACPI 1.0 RSDP (revision 0) is walked through the RSDT", "[acpi]") {
  CapturedMemory memory("q35");
  auto& rsdp = memory.region("RSDP");
  rsdp[15] = 0;  // revision 0: only the first 20 bytes count
  ember_test::fix_rsdp_checksum(rsdp);
  Walk w = walk(memory);
  REQUIRE(w.ok);
  CHECK_FALSE(w.tables.xsdt);
  CHECK(w.tables.root_address == memory.address_of("RSDT"));
  CHECK(signatures(w.tables) ==
        std::vector<std::string>{"FACP", "APIC", "HPET", "MCFG", "WAET", "BGRT"});
}

TEST_CASE("q35 MADT: one CPU, one I/O APIC, the ISA overrides and LINT1 NMI", "[acpi][madt]") {
  CapturedMemory memory("q35");
  Madt madt = parse_captured_madt(memory);
  CHECK(madt.local_apic_address == 0xFEE0'0000);
  CHECK(madt.pcat_compat);
  REQUIRE(madt.local_apics.size() == 1);
  CHECK(madt.local_apics[0].apic_id == 0);
  CHECK(madt.local_apics[0].enabled);
  REQUIRE(madt.io_apics.size() == 1);
  CHECK(madt.io_apics[0].address == 0xFEC0'0000);
  CHECK(madt.io_apics[0].gsi_base == 0);
  REQUIRE(madt.overrides.size() == 5);
  CHECK(madt.overrides[0].source == 0);
  CHECK(madt.overrides[0].gsi == 2);
  REQUIRE(madt.local_apic_nmis.size() == 1);
  CHECK(madt.local_apic_nmis[0].processor_uid == kAllProcessors);
  CHECK(madt.local_apic_nmis[0].lint == 1);
}

TEST_CASE("ISA IRQs route through the overrides, identity otherwise", "[acpi][madt]") {
  for (const char* machine : {"q35", "pc"}) {
    CapturedMemory memory(machine);
    Madt madt = parse_captured_madt(memory);
    IsaRoute timer = route_isa_irq(madt, 0);
    CHECK(timer.gsi == 2);  // the PIT's IRQ 0 arrives on I/O APIC input 2
    CHECK_FALSE(timer.active_low);
    CHECK_FALSE(timer.level_triggered);
    IsaRoute keyboard = route_isa_irq(madt, 1);
    CHECK(keyboard.gsi == 1);
    CHECK_FALSE(keyboard.level_triggered);
    IsaRoute sci = route_isa_irq(madt, 9);  // PCI-style: level-triggered, active-high
    CHECK(sci.gsi == 9);
    CHECK(sci.level_triggered);
    CHECK_FALSE(sci.active_low);
  }
}

TEST_CASE("HPET table: registers at 0xfed00000, 64-bit counter, 3 comparators", "[acpi]") {
  CapturedMemory memory("q35");
  Walk w = walk(memory);
  Diagnostics diag;
  auto hpet = parse_hpet(table_bytes(memory, *w.tables.find("HPET")), 0, diag);
  REQUIRE(hpet.ok());
  CHECK(hpet.value().address == 0xFED0'0000);
  CHECK(hpet.value().counter_64bit);
  CHECK(hpet.value().comparators == 3);
  CHECK(hpet.value().vendor_id == 0x8086);
}

TEST_CASE("FADT: q35 says it has an 8042; pc's ACPI 1.0 FADT predates the flag", "[acpi]") {
  CapturedMemory q35("q35"), pc("pc");
  Diagnostics diag;
  auto q = parse_fadt(table_bytes(q35, *walk(q35).tables.find("FACP")), 0, diag);
  auto p = parse_fadt(table_bytes(pc, *walk(pc).tables.find("FACP")), 0, diag);
  REQUIRE(q.ok());
  REQUIRE(p.ok());
  CHECK(q.value().revision == 3);
  CHECK(q.value().boot_arch_valid);
  CHECK((q.value().boot_arch & kBootArch8042) != 0);
  CHECK(q.value().sci_interrupt == 9);
  CHECK(q.value().pm_timer_port == 0x608);
  CHECK(q.value().dsdt != 0);
  CHECK(p.value().revision == 1);
  CHECK_FALSE(p.value().boot_arch_valid);
  CHECK(p.value().may_have_8042());
  CHECK(p.value().pm_timer_port == 0xB008);
}

TEST_CASE("a table with a bad checksum is reported and skipped; the others are kept", "[acpi]") {
  CapturedMemory memory("q35");
  memory.region("APIC")[40] += 1;  // the byte sum becomes 1
  Walk w = walk(memory);
  REQUIRE(w.ok);
  CHECK(w.tables.find("APIC") == nullptr);
  CHECK(w.tables.find("HPET") != nullptr);
  REQUIRE(w.diag.items().size() == 1);
  const Diagnostic& d = w.diag.items()[0];
  CHECK(d.problem == Problem::BadChecksum);
  CHECK(std::string(d.signature) == "APIC");
  char text[128];
  libk::format_into(text, sizeof(text), "{}", d);
  CHECK(std::string(text) == "APIC at 0x1f777000: bad checksum (bytes sum to 0x1)");
}

TEST_CASE("a table longer than the memory behind it is refused", "[acpi]") {
  CapturedMemory memory("q35");
  auto& apic = memory.region("APIC");
  ember_test::set_length(apic, 0x8000);  // runs past the captured bytes
  ember_test::fix_table_checksum(apic);
  Walk w = walk(memory);
  REQUIRE(w.ok);
  CHECK(w.tables.find("APIC") == nullptr);
  CHECK(w.diag.has(Problem::TableUnreadable));
}

TEST_CASE("implausible table lengths are refused without reading", "[acpi]") {
  CapturedMemory memory("q35");
  ember_test::set_length(memory.region("HPET"), 20);  // shorter than the header
  ember_test::set_length(memory.region("WAET"), 0xFFFF'FFF0);
  Walk w = walk(memory);
  REQUIRE(w.ok);
  CHECK(w.diag.has(Problem::TableTooShort));
  CHECK(w.diag.has(Problem::TableTooLong));
  CHECK(signatures(w.tables) == std::vector<std::string>{"FACP", "APIC", "MCFG", "BGRT"});
}

TEST_CASE("null, duplicate and self-overlapping XSDT entries are skipped", "[acpi]") {
  CapturedMemory memory("q35");
  auto& xsdt = memory.region("XSDT");
  u64 apic = memory.address_of("APIC");
  u64 null_entry = 0;
  u64 inside_xsdt = memory.address_of("XSDT");
  std::memcpy(&xsdt[36 + 8 * 3], &apic, 8);         // MCFG -> APIC again
  std::memcpy(&xsdt[36 + 8 * 4], &null_entry, 8);   // WAET -> 0
  std::memcpy(&xsdt[36 + 8 * 5], &inside_xsdt, 8);  // BGRT -> the XSDT itself
  ember_test::fix_table_checksum(xsdt);
  Walk w = walk(memory);
  REQUIRE(w.ok);
  CHECK(signatures(w.tables) == std::vector<std::string>{"FACP", "APIC", "HPET"});
  CHECK(w.diag.has(Problem::DuplicateTable));
  CHECK(w.diag.has(Problem::NullEntry));
  CHECK(w.diag.has(Problem::OverlappingTables));
}

TEST_CASE("an XSDT whose length is not a whole number of entries", "[acpi]") {
  CapturedMemory memory("q35");
  auto& xsdt = memory.region("XSDT");
  ember_test::set_length(xsdt, u32(xsdt.size() - 4));  // half of the last pointer
  ember_test::fix_table_checksum(xsdt, xsdt.size() - 4);
  Walk w = walk(memory);
  REQUIRE(w.ok);
  CHECK(w.diag.has(Problem::RootLengthNotMultiple));
  CHECK(signatures(w.tables) ==
        std::vector<std::string>{"FACP", "APIC", "HPET", "MCFG", "WAET"});  // BGRT cut off
}

TEST_CASE("a bad root table or RSDP fails the walk with a reason", "[acpi]") {
  SECTION("XSDT checksum") {
    CapturedMemory memory("q35");
    memory.region("XSDT")[10] ^= 0xFF;
    Walk w = walk(memory);
    CHECK_FALSE(w.ok);
    CHECK(w.diag.has(Problem::BadChecksum));
  }
  SECTION("XSDT signature") {
    CapturedMemory memory("q35");
    memory.region("XSDT")[0] = 'Y';
    ember_test::fix_table_checksum(memory.region("XSDT"));
    CHECK_FALSE(walk(memory).ok);
  }
  SECTION("RSDP checksum") {
    CapturedMemory memory("q35");
    memory.region("RSDP")[9] ^= 0x55;
    Walk w = walk(memory);
    CHECK_FALSE(w.ok);
    CHECK(w.diag.has(Problem::RsdpInvalid));
  }
  SECTION("RSDP in unreadable memory") {
    CapturedMemory memory("q35");
    Tables t;
    Diagnostics diag;
    CHECK_FALSE(discover(memory, 0x1000, t, diag).ok());
    CHECK(diag.has(Problem::RsdpUnreadable));
  }
}

TEST_CASE("FADT and HPET tables too short for their fields are refused", "[acpi]") {
  std::vector<u8> table(40, 0);
  Diagnostics diag;
  CHECK_FALSE(parse_fadt({table.data(), table.size()}, 0, diag).ok());
  CHECK_FALSE(parse_hpet({table.data(), table.size()}, 0, diag).ok());
  CHECK(diag.items().size() == 2);
  CHECK(diag.items()[0].problem == Problem::TableTooShort);
}

TEST_CASE("an HPET table pointing into I/O space or at address 0 is refused", "[acpi]") {
  CapturedMemory memory("q35");
  std::vector<u8> hpet = memory.region("HPET");
  Diagnostics diag;
  hpet[40] = kAddressSpaceIo;
  CHECK_FALSE(parse_hpet({hpet.data(), hpet.size()}, 0, diag).ok());
  hpet[40] = kAddressSpaceMemory;
  std::memset(&hpet[44], 0, 8);
  CHECK_FALSE(parse_hpet({hpet.data(), hpet.size()}, 0, diag).ok());
  CHECK(diag.has(Problem::BadAddressSpace));
  CHECK(diag.has(Problem::BadAddress));
}
