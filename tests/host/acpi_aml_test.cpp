// The \_Sx sleep-type scan (libk/acpi_aml.hpp) on the DSDTs QEMU 7.2 + OVMF give the q35
// and pc machines (tests/data/acpi/), on hand-made AML, and on corrupted variants: a bad
// definition is refused with a reason, never read past its end.
#include <catch2/catch.hpp>
#include <cstring>
#include <string>
#include <vector>

#include <libk/acpi_aml.hpp>
#include <libk/acpi_fadt.hpp>

#include "acpi_fixture.hpp"

using namespace libk::acpi;
using ember_test::CapturedMemory;

namespace {

std::vector<u8> captured_dsdt(const std::string& machine) {
  CapturedMemory memory(machine);
  return memory.region("DSDT");
}

libk::Bytes bytes(const std::vector<u8>& v) { return {v.data(), v.size()}; }

// A table: a 36-byte header (contents irrelevant to the scan), then `aml`.
std::vector<u8> table_with(std::vector<u8> aml) {
  std::vector<u8> t(kAmlStart, 0);
  std::memcpy(t.data(), "DSDT", 4);
  t.insert(t.end(), aml.begin(), aml.end());
  return t;
}

// Name (_S5, Package (n) { ... }) with `elements` already encoded.
std::vector<u8> s5_definition(std::vector<u8> elements, u8 count, bool root = false) {
  std::vector<u8> out = {0x08};
  if (root) out.push_back(0x5C);
  out.insert(out.end(), {'_', 'S', '5', '_', 0x12, u8(2 + elements.size()), count});
  out.insert(out.end(), elements.begin(), elements.end());
  return out;
}

size_t offset_of_s5(const std::vector<u8>& t) {
  const char* name = "_S5_";
  auto it = std::search(t.begin(), t.end(), name, name + 4);
  REQUIRE(it != t.end());
  return size_t(it - t.begin());
}

}  // namespace

TEST_CASE("q35 DSDT: _S5 is soft-off type 0, _S3 and _S4 are found too", "[acpi][aml]") {
  auto dsdt = captured_dsdt("q35");
  auto s5 = find_sleep_type(bytes(dsdt), 5);
  REQUIRE(s5.ok());
  CHECK(s5.value().a == 0);
  CHECK(s5.value().b == 0);
  auto s3 = find_sleep_type(bytes(dsdt), 3);  // Package { One, One, Zero, Zero }
  REQUIRE(s3.ok());
  CHECK(s3.value().a == 1);
  auto s4 = find_sleep_type(bytes(dsdt), 4);  // Package { 0x02, 0x02, Zero, Zero } (BytePrefix)
  REQUIRE(s4.ok());
  CHECK(s4.value().a == 2);
  CHECK(s4.value().b == 2);
}

TEST_CASE("pc DSDT: _S5 is soft-off type 0", "[acpi][aml]") {
  auto dsdt = captured_dsdt("pc");
  auto s5 = find_sleep_type(bytes(dsdt), 5);
  REQUIRE(s5.ok());
  CHECK(s5.value().a == 0);
  CHECK(s5.value().b == 0);
}

TEST_CASE("A state the DSDT does not define is reported as not found", "[acpi][aml]") {
  auto dsdt = captured_dsdt("q35");
  auto s1 = find_sleep_type(bytes(dsdt), 1);
  REQUIRE(!s1.ok());
  CHECK(s1.error() == AmlProblem::NotFound);
}

TEST_CASE("The DSDT pointer comes from the FADT", "[acpi][aml]") {
  CapturedMemory memory("q35");
  Diagnostics diag;
  auto fadt = parse_fadt(table_bytes(memory, {"FACP", memory.address_of("FACP"), 244, 3}),
                         memory.address_of("FACP"), diag);
  REQUIRE(fadt.ok());
  CHECK(fadt.value().dsdt == memory.address_of("DSDT"));
}

TEST_CASE("Integer encodings of the elements: Byte, Word, DWord, QWord prefixes", "[acpi][aml]") {
  auto t = table_with(s5_definition({0x0B, 0x05, 0x00, 0x0C, 0x06, 0, 0, 0}, 2));
  auto r = find_sleep_type(bytes(t), 5);
  REQUIRE(r.ok());
  CHECK(r.value().a == 5);
  CHECK(r.value().b == 6);
  auto q = table_with(s5_definition({0x0E, 7, 0, 0, 0, 0, 0, 0, 0, 0x01}, 2));
  auto rq = find_sleep_type(bytes(q), 5);
  REQUIRE(rq.ok());
  CHECK(rq.value().a == 7);
  CHECK(rq.value().b == 1);
}

TEST_CASE("A root-prefixed name (\\_S5) is found", "[acpi][aml]") {
  auto t = table_with(s5_definition({0x0A, 0x07, 0x0A, 0x03}, 2, true));
  auto r = find_sleep_type(bytes(t), 5);
  REQUIRE(r.ok());
  CHECK(r.value().a == 7);
  CHECK(r.value().b == 3);
}

TEST_CASE("A one-element package holds SLP_TYPa and SLP_TYPb in its low two bytes", "[acpi][aml]") {
  auto t = table_with(s5_definition({0x0B, 0x05, 0x03}, 1));
  auto r = find_sleep_type(bytes(t), 5);
  REQUIRE(r.ok());
  CHECK(r.value().a == 5);
  CHECK(r.value().b == 3);
}

TEST_CASE("Uses of the name outside a Name() definition are skipped", "[acpi][aml]") {
  // A method body mentioning _S5_ (e.g. a Store from it) before the real definition.
  std::vector<u8> aml = {0x14, 0x08, 'M', 'T', 'H', 'D', 0x00, 0x70, '_', 'S', '5', '_', 0x60};
  auto def = s5_definition({0x0A, 0x05, 0x0A, 0x05}, 2);
  aml.insert(aml.end(), def.begin(), def.end());
  auto r = find_sleep_type(bytes(table_with(aml)), 5);
  REQUIRE(r.ok());
  CHECK(r.value().a == 5);
}

TEST_CASE("_S5 defined as a method is refused", "[acpi][aml]") {
  // Name (_S5, ...) where the object is a reference to a method: a NameString, not a package.
  auto t = table_with({0x08, '_', 'S', '5', '_', 'F', 'O', 'O', '_'});
  auto r = find_sleep_type(bytes(t), 5);
  REQUIRE(!r.ok());
  CHECK(r.error() == AmlProblem::NotAPackage);
}

TEST_CASE("Corrupted _S5 packages are refused with a reason", "[acpi][aml]") {
  SECTION("package length past the end of the table") {
    auto t = table_with({0x08, '_', 'S', '5', '_', 0x12, 0x3F, 0x02, 0x00, 0x00});
    CHECK(find_sleep_type(bytes(t), 5).error() == AmlProblem::BadPackageLength);
  }
  SECTION("multi-byte package length cut off by the end of the table") {
    auto t = table_with({0x08, '_', 'S', '5', '_', 0x12, 0xC0});
    CHECK(find_sleep_type(bytes(t), 5).error() == AmlProblem::BadPackageLength);
  }
  SECTION("package length shorter than its own encoding") {
    auto t = table_with({0x08, '_', 'S', '5', '_', 0x12, 0x01, 0x02, 0x00, 0x00});
    CHECK(find_sleep_type(bytes(t), 5).error() == AmlProblem::BadPackageLength);
  }
  SECTION("no elements") {
    auto t = table_with({0x08, '_', 'S', '5', '_', 0x12, 0x02, 0x00});
    CHECK(find_sleep_type(bytes(t), 5).error() == AmlProblem::TooFewElements);
  }
  SECTION("element count larger than the package holds") {
    auto t = table_with({0x08, '_', 'S', '5', '_', 0x12, 0x03, 0x02, 0x00, 0x00, 0x00});
    CHECK(find_sleep_type(bytes(t), 5).error() == AmlProblem::ElementPastEnd);
  }
  SECTION("a DWord element cut by the package end") {
    auto t = table_with({0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x02, 0x0C, 0x01, 0x00, 0x00, 0x00});
    CHECK(find_sleep_type(bytes(t), 5).error() == AmlProblem::ElementPastEnd);
  }
  SECTION("an element that is not a constant") {
    auto t = table_with(s5_definition({0x5C, 'X', 'Y', 'Z', '_'}, 2));
    CHECK(find_sleep_type(bytes(t), 5).error() == AmlProblem::UnsupportedElement);
  }
  SECTION("a sleep type wider than 3 bits") {
    auto t = table_with(s5_definition({0x0A, 0x08, 0x00}, 2));
    CHECK(find_sleep_type(bytes(t), 5).error() == AmlProblem::ValueTooLarge);
  }
  SECTION("a table shorter than its header") {
    std::vector<u8> t(20, 0);
    CHECK(find_sleep_type(bytes(t), 5).error() == AmlProblem::NotAmlTable);
  }
}

TEST_CASE("The real DSDT truncated at every length inside _S5 never reads past the end",
          "[acpi][aml]") {
  auto dsdt = captured_dsdt("q35");
  size_t at = offset_of_s5(dsdt);
  size_t end = at + 5 + dsdt[at + 5];  // PkgLength (one byte here) counts from itself
  REQUIRE(end == at + 11);
  for (size_t cut = at; cut < end; ++cut) {
    // A copy exactly `cut` bytes long, so ASan catches any read past it.
    std::vector<u8> truncated(dsdt.begin(), dsdt.begin() + long(cut));
    auto r = find_sleep_type(bytes(truncated), 5);
    CHECK(!r.ok());
  }
  std::vector<u8> whole(dsdt.begin(), dsdt.begin() + long(end));
  CHECK(find_sleep_type(bytes(whole), 5).ok());
}

TEST_CASE("Corrupting the real _S5 package length is caught", "[acpi][aml]") {
  auto dsdt = captured_dsdt("pc");
  size_t at = offset_of_s5(dsdt);
  REQUIRE(dsdt[at + 4] == 0x12);
  dsdt[at + 5] = 0xFF;  // a 4-byte length with reserved bits set
  CHECK(find_sleep_type(bytes(dsdt), 5).error() == AmlProblem::BadPackageLength);
}

TEST_CASE("Package lengths decode in all four encodings", "[acpi][aml]") {
  u32 length = 0;
  size_t n = 0;
  std::vector<u8> one = {0x3F};
  REQUIRE(decode_pkg_length(bytes(one), 0, length, n));
  CHECK((length == 0x3F && n == 1));
  std::vector<u8> two = {0x4A, 0x12};
  REQUIRE(decode_pkg_length(bytes(two), 0, length, n));
  CHECK((length == 0x12A && n == 2));
  std::vector<u8> four = {0xC1, 0x23, 0x45, 0x67};
  REQUIRE(decode_pkg_length(bytes(four), 0, length, n));
  CHECK((length == 0x6745231 && n == 4));
  std::vector<u8> cut = {0x81};
  CHECK(!decode_pkg_length(bytes(cut), 0, length, n));
}
