// MADT entry parsing on synthetic tables: each malformed entry is reported and skipped (or,
// when its length cannot be trusted, ends the walk), never read past the table.
#include <catch2/catch.hpp>
#include <cstring>
#include <initializer_list>
#include <vector>

#include <libk/acpi_madt.hpp>

using namespace libk::acpi;

namespace {

class MadtBuilder {
 public:
  MadtBuilder() : bytes_(44, 0) {
    std::memcpy(bytes_.data(), "APIC", 4);
    u32 lapic = 0xFEE0'0000, flags = 1;
    std::memcpy(&bytes_[36], &lapic, 4);
    std::memcpy(&bytes_[40], &flags, 4);
  }
  MadtBuilder& entry(std::initializer_list<u8> raw) {
    bytes_.insert(bytes_.end(), raw);
    return *this;
  }
  MadtBuilder& io_apic(u8 id, u32 address, u32 gsi_base) {
    std::vector<u8> e(12, 0);
    e[0] = kMadtIoApic, e[1] = 12, e[2] = id;
    std::memcpy(&e[4], &address, 4);
    std::memcpy(&e[8], &gsi_base, 4);
    bytes_.insert(bytes_.end(), e.begin(), e.end());
    return *this;
  }
  MadtBuilder& override_irq(u8 irq, u32 gsi, u16 flags) {
    std::vector<u8> e(10, 0);
    e[0] = kMadtInterruptOverride, e[1] = 10, e[3] = irq;
    std::memcpy(&e[4], &gsi, 4);
    std::memcpy(&e[8], &flags, 2);
    bytes_.insert(bytes_.end(), e.begin(), e.end());
    return *this;
  }
  libk::Bytes bytes() {
    u32 length = u32(bytes_.size());
    std::memcpy(&bytes_[4], &length, 4);
    return {bytes_.data(), bytes_.size()};
  }

 private:
  std::vector<u8> bytes_;
};

struct Parsed {
  Madt madt;
  Diagnostics diag;
};

Parsed parse(MadtBuilder& b) {
  Parsed p;
  REQUIRE(parse_madt(b.bytes(), 0x1000, p.madt, p.diag).ok());
  return p;
}

}  // namespace

TEST_CASE("MADT: x2APIC processors and x2APIC NMIs are parsed", "[acpi][madt]") {
  MadtBuilder b;
  // type 9: reserved(2), x2APIC ID 0x1234, flags enabled, UID 7
  b.entry({9, 16, 0, 0, 0x34, 0x12, 0, 0, 1, 0, 0, 0, 7, 0, 0, 0});
  // type 10: flags active-low (3) edge (1<<2), UID all, LINT1
  b.entry({10, 12, 0x07, 0, 0xFF, 0xFF, 0xFF, 0xFF, 1, 0, 0, 0});
  Parsed p = parse(b);
  CHECK(p.diag.empty());
  REQUIRE(p.madt.local_apics.size() == 1);
  CHECK(p.madt.local_apics[0].x2apic);
  CHECK(p.madt.local_apics[0].apic_id == 0x1234);
  CHECK(p.madt.local_apics[0].processor_uid == 7);
  REQUIRE(p.madt.local_apic_nmis.size() == 1);
  CHECK(p.madt.local_apic_nmis[0].processor_uid == kAllProcessors);
  CHECK(p.madt.local_apic_nmis[0].lint == 1);
  CHECK(p.madt.local_apic_nmis[0].polarity == Polarity::ActiveLow);
  CHECK(p.madt.local_apic_nmis[0].trigger == Trigger::Edge);
}

TEST_CASE("MADT: a local APIC address override replaces the header's address", "[acpi][madt]") {
  MadtBuilder b;
  b.entry({5, 12, 0, 0, 0x00, 0x00, 0x00, 0xFE, 0x01, 0, 0, 0});
  Parsed p = parse(b);
  CHECK(p.madt.local_apic_address == 0x1'FE00'0000ull);
}

TEST_CASE("MADT: an override with a level-triggered, active-low ISA IRQ", "[acpi][madt]") {
  MadtBuilder b;
  b.io_apic(0, 0xFEC0'0000, 0).override_irq(9, 20, 0b1111);
  Parsed p = parse(b);
  IsaRoute r = route_isa_irq(p.madt, 9);
  CHECK(r.gsi == 20);
  CHECK(r.active_low);
  CHECK(r.level_triggered);
}

TEST_CASE("MADT: an entry of length 0 ends the walk; earlier entries are kept", "[acpi][madt]") {
  MadtBuilder b;
  b.io_apic(0, 0xFEC0'0000, 0).entry({2, 0}).io_apic(1, 0xFEC1'0000, 24);
  Parsed p = parse(b);
  CHECK(p.madt.io_apics.size() == 1);
  CHECK(p.diag.has(Problem::EntryTooShort));
}

TEST_CASE("MADT: an entry running past the end of the table ends the walk", "[acpi][madt]") {
  MadtBuilder b;
  b.io_apic(0, 0xFEC0'0000, 0).entry({1, 40, 0, 0});
  Parsed p = parse(b);
  CHECK(p.madt.io_apics.size() == 1);
  REQUIRE(p.diag.items().size() == 1);
  CHECK(p.diag.items()[0].problem == Problem::EntryPastEnd);
  CHECK(p.diag.items()[0].value == 44 + 12);  // the entry's offset
}

TEST_CASE("MADT: a trailing single byte is reported", "[acpi][madt]") {
  MadtBuilder b;
  b.io_apic(0, 0xFEC0'0000, 0).entry({1});
  Parsed p = parse(b);
  CHECK(p.diag.has(Problem::EntryPastEnd));
}

TEST_CASE("MADT: a known entry shorter than its type is skipped, the walk goes on",
          "[acpi][madt]") {
  MadtBuilder b;
  b.entry({1, 8, 5, 0, 0, 0, 0xC0, 0xFE}).io_apic(1, 0xFEC1'0000, 24);
  Parsed p = parse(b);
  REQUIRE(p.madt.io_apics.size() == 1);
  CHECK(p.madt.io_apics[0].id == 1);
  CHECK(p.diag.has(Problem::EntryTooShort));
}

TEST_CASE("MADT: unknown entry types are skipped by their length", "[acpi][madt]") {
  MadtBuilder b;
  b.entry({0x7F, 6, 1, 2, 3, 4}).io_apic(2, 0xFEC0'0000, 0);
  Parsed p = parse(b);
  CHECK(p.diag.empty());
  CHECK(p.madt.unknown_entries == 1);
  CHECK(p.madt.io_apics.size() == 1);
}

TEST_CASE("MADT: duplicate and misaligned I/O APICs are refused", "[acpi][madt]") {
  MadtBuilder b;
  b.io_apic(0, 0xFEC0'0000, 0).io_apic(0, 0xFEC1'0000, 24).io_apic(3, 0xFEC2'0010, 48);
  Parsed p = parse(b);
  CHECK(p.madt.io_apics.size() == 1);
  CHECK(p.diag.has(Problem::DuplicateIoApic));
  CHECK(p.diag.has(Problem::BadAddress));
}

TEST_CASE("MADT: reserved polarity/trigger encodings are refused", "[acpi][madt]") {
  MadtBuilder b;
  b.override_irq(4, 4, 0b0010).override_irq(3, 3, 0b1000);
  Parsed p = parse(b);
  CHECK(p.madt.overrides.size() == 0);
  CHECK(p.diag.items().size() == 2);
  CHECK(p.diag.items()[0].problem == Problem::BadFlags);
}

TEST_CASE("MADT: more overrides than Ember keeps are counted, the first ones kept",
          "[acpi][madt]") {
  MadtBuilder b;
  for (u8 i = 0; i < 40; ++i) b.override_irq(i, i, 0);
  Parsed p = parse(b);
  CHECK(p.madt.overrides.size() == p.madt.overrides.capacity());
  CHECK(p.diag.items().size() == 40 - p.madt.overrides.capacity());
  CHECK(p.diag.items()[0].problem == Problem::TooManyEntries);
}

TEST_CASE("MADT: a table too short for its fixed fields is refused", "[acpi][madt]") {
  u8 bytes[40] = {'A', 'P', 'I', 'C', 40};
  Madt madt;
  Diagnostics diag;
  CHECK_FALSE(parse_madt({bytes, sizeof(bytes)}, 0, madt, diag).ok());
  CHECK(diag.has(Problem::TableTooShort));
}

TEST_CASE("Diagnostics keep the first 32 problems and count the rest", "[acpi]") {
  Diagnostics diag;
  for (int i = 0; i < 40; ++i) diag.add(Problem::NullEntry, "XSDT", u64(i));
  CHECK(diag.items().size() == Diagnostics::kCapacity);
  CHECK(diag.dropped() == 8);
  CHECK(diag.items()[31].address == 31);
}
