// The MCFG parser (libk/acpi_mcfg.hpp) on QEMU's q35 table (tests/data/acpi/q35/) and on
// tables built with bad entries: each bad entry is reported and skipped.
#include <catch2/catch.hpp>
#include <cstring>
#include <vector>

#include <libk/acpi_mcfg.hpp>

#include "acpi_fixture.hpp"

using namespace libk::acpi;
using ember_test::CapturedMemory;

namespace {

struct Entry {
  u64 base;
  u16 segment;
  u8 start, end;
};

// An MCFG: a 36-byte header, 8 reserved bytes, then the entries.
std::vector<u8> build_mcfg(std::initializer_list<Entry> entries) {
  std::vector<u8> t(44 + 16 * entries.size(), 0);
  std::memcpy(t.data(), "MCFG", 4);
  u32 length = u32(t.size());
  std::memcpy(&t[4], &length, 4);
  usize off = 44;
  for (const Entry& e : entries) {
    std::memcpy(&t[off], &e.base, 8);
    std::memcpy(&t[off + 8], &e.segment, 2);
    t[off + 10] = e.start;
    t[off + 11] = e.end;
    off += 16;
  }
  return t;
}

Mcfg parse(const std::vector<u8>& t, Diagnostics& diag) {
  auto r = parse_mcfg({t.data(), t.size()}, 0x1000, diag);
  REQUIRE(r.ok());
  return r.value();
}

}  // namespace

TEST_CASE("q35's MCFG gives one ECAM window for segment 0, buses 0 to 255", "[acpi][mcfg]") {
  CapturedMemory memory("q35");
  Tables tables;
  Diagnostics diag;
  REQUIRE(discover(memory, memory.rsdp_address(), tables, diag).ok());
  const TableRef* ref = tables.find("MCFG");
  REQUIRE(ref != nullptr);
  auto mcfg = parse_mcfg(table_bytes(memory, *ref), ref->address, diag);
  REQUIRE(mcfg.ok());
  CHECK(diag.empty());
  REQUIRE(mcfg.value().entries.size() == 1);
  const McfgEntry& e = mcfg.value().entries[0];
  CHECK(e.base == 0xb000'0000);
  CHECK(e.segment == 0);
  CHECK(e.start_bus == 0);
  CHECK(e.end_bus == 255);
  CHECK(e.function_address(0, 0x1f, 2) == 0xb00f'a000);
  CHECK(e.window_bytes() == 256u << 20);
  CHECK(mcfg.value().find(0, 255) == &mcfg.value().entries[0]);
  CHECK(mcfg.value().find(1, 0) == nullptr);
}

TEST_CASE("pc has no MCFG: its configuration space is reached through ports", "[acpi][mcfg]") {
  CapturedMemory memory("pc");
  Tables tables;
  Diagnostics diag;
  REQUIRE(discover(memory, memory.rsdp_address(), tables, diag).ok());
  CHECK(tables.find("MCFG") == nullptr);
}

TEST_CASE("MCFG entry with a window that is not 1 MiB-aligned is skipped", "[acpi][mcfg]") {
  Diagnostics diag;
  Mcfg m = parse(build_mcfg({{0xb008'0000, 0, 0, 255}, {0xc000'0000, 1, 0, 0}}), diag);
  REQUIRE(m.entries.size() == 1);
  CHECK(m.entries[0].segment == 1);
  CHECK(diag.has(Problem::BadAddress));
}

TEST_CASE("MCFG entry with a zero base or a window past 2^64 is skipped", "[acpi][mcfg]") {
  Diagnostics diag;
  Mcfg m = parse(build_mcfg({{0, 0, 0, 255}, {0xffff'ffff'fff0'0000, 0, 0, 1}}), diag);
  CHECK(m.entries.empty());
  CHECK(diag.items().size() == 2);
}

TEST_CASE("MCFG entry whose end bus is below its start bus is skipped", "[acpi][mcfg]") {
  Diagnostics diag;
  Mcfg m = parse(build_mcfg({{0xb000'0000, 0, 8, 4}}), diag);
  CHECK(m.entries.empty());
  CHECK(diag.has(Problem::BadBusRange));
}

TEST_CASE("MCFG entries claiming the same bus of a segment: the second is skipped",
          "[acpi][mcfg]") {
  Diagnostics diag;
  Mcfg m = parse(
      build_mcfg({{0xb000'0000, 0, 0, 15}, {0xe000'0000, 0, 15, 31}, {0xe000'0000, 1, 15, 31}}),
      diag);
  REQUIRE(m.entries.size() == 2);
  CHECK(m.entries[1].segment == 1);
  CHECK(diag.has(Problem::RangeOverlap));
}

TEST_CASE("MCFG shorter than its reserved field is refused", "[acpi][mcfg]") {
  std::vector<u8> t = build_mcfg({});
  Diagnostics diag;
  CHECK_FALSE(parse_mcfg({t.data(), 40}, 0x1000, diag).ok());
  CHECK(diag.has(Problem::TableTooShort));
}

TEST_CASE("MCFG with a trailing partial entry ignores the partial bytes", "[acpi][mcfg]") {
  std::vector<u8> t = build_mcfg({{0xb000'0000, 0, 0, 255}});
  t.resize(t.size() + 7, 0xff);
  Diagnostics diag;
  Mcfg m = parse(t, diag);
  CHECK(m.entries.size() == 1);
  CHECK(diag.empty());
}
