// The PCI configuration-space parser (libk/pci.hpp) on the functions QEMU 7.2 + OVMF give a
// q35 and a pc machine (captured by tools/capture_devices.py into tests/data/pci/), and on
// corrupted copies of them: a bad capability list or header is an error, never a hang.
#include <catch2/catch.hpp>
#include <cstring>

#include <libk/pci.hpp>

#include "captured_files.hpp"

using namespace libk::pci;
using ember_test::bytes;
using ember_test::captured_files;

namespace {

std::vector<u8> function(const std::string& machine, const std::string& name) {
  return captured_files("pci", machine).at(name);
}

}  // namespace

TEST_CASE("every captured function has a header that parses", "[pci]") {
  for (const char* machine : {"q35", "pc"}) {
    for (const auto& [name, config] : captured_files("pci", machine)) {
      INFO(machine << " " << name);
      auto h = parse_header(bytes(config));
      REQUIRE(h.ok());
      CHECK(h.value().vendor != kNoVendor);
      CapabilityList caps = parse_capabilities(bytes(config));
      CHECK(caps.standard_problem == CapabilityProblem::None);
      CHECK(caps.extended_problem == CapabilityProblem::None);
    }
  }
}

TEST_CASE("q35's host bridge and LPC bridge are Intel's ICH9 chipset", "[pci]") {
  Header host = parse_header(bytes(function("q35", "0000-00-00.0"))).value();
  CHECK(host.vendor == 0x8086);
  CHECK(host.device == 0x29c0);
  CHECK(host.class_code == 0x06);
  CHECK(host.subclass == 0x00);
  CHECK(host.kind == HeaderKind::Device);
  Header lpc = parse_header(bytes(function("q35", "0000-00-1f.0"))).value();
  CHECK(lpc.device == 0x2918);
  CHECK(lpc.multifunction);
}

TEST_CASE("qemu-xhci on q35 is a PCI Express xHCI with a 16-entry MSI-X table in BAR 0", "[pci]") {
  std::vector<u8> config = function("q35", "0000-00-02.0");
  Header h = parse_header(bytes(config)).value();
  CHECK(h.vendor == 0x1b36);
  CHECK(h.device == 0x000d);
  CHECK(h.class_code == 0x0c);
  CHECK(h.subclass == 0x03);
  CHECK(h.prog_if == 0x30);
  CapabilityList caps = parse_capabilities(bytes(config));
  REQUIRE(caps.standard.size() == 2);
  CHECK(caps.standard[0].id == cap::kMsix);
  CHECK(caps.standard[0].offset == 0x90);
  CHECK(caps.pci_express());
  CHECK(caps.extended.empty());
  auto msix = parse_msix(bytes(config), 0x90);
  REQUIRE(msix.ok());
  CHECK(msix.value().table_size == 16);
  CHECK(msix.value().table_bar == 0);
  CHECK(msix.value().table_offset == 0x3000);
  CHECK(msix.value().pba_bar == 0);
  CHECK(msix.value().pba_offset == 0x3800);
}

TEST_CASE("nec-usb-xhci behind a root port offers both MSI-X and MSI", "[pci]") {
  std::vector<u8> config = function("q35", "0000-01-00.0");
  Header h = parse_header(bytes(config)).value();
  CHECK(h.vendor == 0x1033);
  CHECK(h.device == 0x0194);
  CapabilityList caps = parse_capabilities(bytes(config));
  REQUIRE(caps.find(cap::kMsi).has_value());
  auto msi = parse_msi(bytes(config), *caps.find(cap::kMsi));
  REQUIRE(msi.ok());
  CHECK(msi.value().address64);
  CHECK_FALSE(msi.value().per_vector_mask);
  CHECK(msi.value().data_offset == 0x0C);
  CHECK(caps.find(cap::kMsix).has_value());
}

TEST_CASE("q35's root port is a bridge to bus 1 with extended capabilities", "[pci]") {
  std::vector<u8> config = function("q35", "0000-00-03.0");
  Header h = parse_header(bytes(config)).value();
  CHECK(h.kind == HeaderKind::Bridge);
  CHECK(h.bar_count == 2);
  CHECK(h.secondary_bus == 1);
  CHECK(h.subordinate_bus == 1);
  CapabilityList caps = parse_capabilities(bytes(config));
  REQUIRE(caps.extended.size() == 2);
  CHECK(caps.extended[0].id == 0x0001);  // advanced error reporting
  CHECK(caps.extended[0].offset == 0x100);
  CHECK(caps.extended[1].id == 0x000D);  // access control services
  CHECK(std::string(extended_capability_name(caps.extended[1].id)) == "access control services");
}

TEST_CASE("pc's functions are conventional PCI: 256 bytes, no extended capabilities", "[pci]") {
  std::vector<u8> xhci = function("pc", "0000-00-03.0");
  REQUIRE(xhci.size() == 256);
  CapabilityList caps = parse_capabilities(bytes(xhci));
  CHECK(caps.find(cap::kMsix).has_value());
  CHECK(caps.extended.empty());
  Header bridge = parse_header(bytes(function("pc", "0000-00-04.0"))).value();
  CHECK(bridge.kind == HeaderKind::Bridge);
  CHECK(bridge.secondary_bus == 1);
  Header uhci = parse_header(bytes(function("pc", "0000-01-03.0"))).value();
  CHECK(uhci.class_code == 0x0c);
  CHECK(uhci.prog_if == 0x00);
}

TEST_CASE("a capability list that loops back on itself stops with Loop", "[pci]") {
  std::vector<u8> config = function("q35", "0000-00-04.0");  // virtio: six capabilities
  CapabilityList before = parse_capabilities(bytes(config));
  REQUIRE(before.standard.size() == 6);
  u16 last = before.standard[5].offset;
  config[last + 1] = u8(before.standard[1].offset);  // last -> second
  CapabilityList caps = parse_capabilities(bytes(config));
  CHECK(caps.standard_problem == CapabilityProblem::Loop);
  CHECK(caps.standard.size() == 6);
}

TEST_CASE("a capability that points to itself stops with Loop", "[pci]") {
  std::vector<u8> config = function("q35", "0000-00-02.0");
  config[0x91] = 0x90;
  CapabilityList caps = parse_capabilities(bytes(config));
  CHECK(caps.standard_problem == CapabilityProblem::Loop);
  CHECK(caps.standard.size() == 1);
}

TEST_CASE("a capability pointer into the header stops the walk", "[pci]") {
  std::vector<u8> config = function("q35", "0000-00-02.0");
  config[0x91] = 0x20;
  CapabilityList caps = parse_capabilities(bytes(config));
  CHECK(caps.standard_problem == CapabilityProblem::PointerIntoHeader);
  CHECK(caps.standard.size() == 1);
}

TEST_CASE("the low two bits of capability pointers are ignored", "[pci]") {
  std::vector<u8> config = function("q35", "0000-00-02.0");
  config[0x34] |= 3;
  config[0x91] |= 2;
  CapabilityList caps = parse_capabilities(bytes(config));
  CHECK(caps.standard_problem == CapabilityProblem::None);
  CHECK(caps.standard.size() == 2);
}

TEST_CASE("a capability at the last byte of a short snapshot is past the end", "[pci]") {
  std::vector<u8> config = function("q35", "0000-00-02.0");
  config[0x34] = 0xFC;
  config.resize(0xFD);
  CapabilityList caps = parse_capabilities(bytes(config));
  CHECK(caps.standard_problem == CapabilityProblem::PointerPastEnd);
}

TEST_CASE("a capability list is ignored when Status says there is none", "[pci]") {
  std::vector<u8> config = function("q35", "0000-00-02.0");
  config[offset::kStatus] &= ~kStatusCapabilityList;
  CHECK(parse_capabilities(bytes(config)).standard.empty());
}

TEST_CASE("an extended capability list that loops stops with Loop", "[pci]") {
  std::vector<u8> config = function("q35", "0000-00-03.0");
  u32 header;
  std::memcpy(&header, &config[0x148], 4);
  header = (header & 0xFFFFF) | (0x100u << 20);
  std::memcpy(&config[0x148], &header, 4);
  CapabilityList caps = parse_capabilities(bytes(config));
  CHECK(caps.extended_problem == CapabilityProblem::Loop);
  CHECK(caps.extended.size() == 2);
}

TEST_CASE("an extended capability pointing below 0x100 stops the walk", "[pci]") {
  std::vector<u8> config = function("q35", "0000-00-03.0");
  u32 header;
  std::memcpy(&header, &config[0x100], 4);
  header = (header & 0xFFFFF) | (0x40u << 20);
  std::memcpy(&config[0x100], &header, 4);
  CHECK(parse_capabilities(bytes(config)).extended_problem == CapabilityProblem::PointerIntoHeader);
}

TEST_CASE("a function that reads all ones is absent", "[pci]") {
  std::vector<u8> config(256, 0xFF);
  auto h = parse_header(bytes(config));
  REQUIRE_FALSE(h.ok());
  CHECK(h.error() == ConfigError::NoFunction);
}

TEST_CASE("a header shorter than 64 bytes or of an unknown type is refused", "[pci]") {
  std::vector<u8> config = function("q35", "0000-00-02.0");
  CHECK(parse_header({config.data(), 63}).error() == ConfigError::TooShort);
  config[offset::kHeaderType] = 0x05;
  CHECK(parse_header(bytes(config)).error() == ConfigError::UnknownHeaderType);
}

TEST_CASE("an MSI-X table in BAR 7 is refused", "[pci]") {
  std::vector<u8> config = function("q35", "0000-00-02.0");
  config[0x94] |= 7;
  CHECK_FALSE(parse_msix(bytes(config), 0x90).ok());
}

TEST_CASE("an MSI capability that would run past 256 bytes is refused", "[pci]") {
  std::vector<u8> config = function("q35", "0000-01-00.0");
  CHECK_FALSE(parse_msi(bytes(config), 0xF8).ok());
  CHECK_FALSE(parse_msi(bytes(config), 0x200).ok());
}

TEST_CASE("an MSI-X table must lie inside its memory BAR", "[pci]") {
  std::vector<u8> config = function("q35", "0000-00-02.0");
  MsixInfo m = parse_msix(bytes(config), 0x90).value();
  Bar bars[6] = {};
  bars[0] = {BarKind::Memory64, false, 0xe0'0000'0000, 0x4000};
  CHECK(msix_fits(m, bars));
  bars[0].size = 0x3000;  // table at 0x3000 would be past the end
  CHECK_FALSE(msix_fits(m, bars));
  bars[0] = {BarKind::Io, false, 0x6000, 0x4000};
  CHECK_FALSE(msix_fits(m, bars));
}

TEST_CASE("BARs decode from the value and the size mask", "[pci][bar]") {
  SECTION("32-bit memory, prefetchable") {
    Bar b = decode_bar({0xc000'0008, 0xff00'0008, 0, 0});
    CHECK(b.kind == BarKind::Memory32);
    CHECK(b.prefetchable);
    CHECK(b.address == 0xc000'0000);
    CHECK(b.size == 16 << 20);
  }
  SECTION("64-bit memory above 4 GiB") {
    Bar b = decode_bar({0x0000'0004, 0xffff'c004, 0xe0, 0xffff'ffff});
    CHECK(b.kind == BarKind::Memory64);
    CHECK(b.address == 0xe0'0000'0000);
    CHECK(b.size == 0x4000);
  }
  SECTION("64-bit memory larger than 4 GiB") {
    Bar b = decode_bar({0x0000'000c, 0x0000'000c, 0x10, 0xffff'fffe});
    CHECK(b.size == u64{8} << 30);
  }
  SECTION("I/O ports decoding 16 address bits") {
    Bar b = decode_bar({0x6041, 0x0000'ffe1, 0, 0});
    CHECK(b.kind == BarKind::Io);
    CHECK(b.address == 0x6040);
    CHECK(b.size == 32);
  }
  SECTION("a BAR that keeps no bits is unused") {
    CHECK(decode_bar({0, 0, 0, 0}).kind == BarKind::Unused);
  }
  SECTION("the reserved memory types are unused") {
    CHECK(decode_bar({0x2, 0xfff0'0002, 0, 0}).kind == BarKind::Unused);
    CHECK(decode_bar({0x6, 0xfff0'0006, 0, 0}).kind == BarKind::Unused);
  }
  CHECK(is_64bit_bar(0x4));
  CHECK_FALSE(is_64bit_bar(0x5));
}

TEST_CASE("header type bit 7 says the device has more functions", "[pci]") {
  CHECK(is_multifunction(0x80));
  CHECK(is_multifunction(0x81));
  CHECK_FALSE(is_multifunction(0x01));
}

TEST_CASE("addresses format as segment:bus:device.function", "[pci]") {
  char text[32];
  libk::format_into(text, sizeof(text), "{}", Address{0, 0x1f, 2, 3});
  CHECK(std::string(text) == "0000:1f:02.3");
}
