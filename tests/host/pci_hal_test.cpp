// hal's configuration-space logic (hal/pci.hpp, hal/msi.hpp) against a fake function: BAR
// sizing restores what it changed, MSI and MSI-X are programmed as PCI 3.0 §6.8 says, and the
// message names the APIC and vector as the SDM §11.11 says.
#include <catch2/catch.hpp>
#include <cstring>
#include <vector>

#include <hal/msi.hpp>
#include <hal/pci.hpp>

#include "captured_files.hpp"

using hal::pci::Address;

namespace {

// One function's configuration space with BARs that behave like hardware: writing all ones
// reads back the size mask.
class FakeFunction final : public hal::pci::ConfigAccess {
 public:
  explicit FakeFunction(std::vector<u8> config) : config_(std::move(config)) {}

  u32 read32(Address, u16 offset) override {
    u32 v;
    std::memcpy(&v, &config_[offset], 4);
    return v;
  }
  void write32(Address, u16 offset, u32 value) override {
    writes_.push_back({offset, value});
    if (offset >= 0x10 && offset < 0x28 && value == ~u32{0}) {
      u32 slot = (offset - 0x10) / 4;
      u32 old = read32({}, offset);
      value = (masks_[slot] & ~u32{0xF}) | (old & 0xF);
      if (old & 1) value = (masks_[slot] & ~u32{3}) | 1;
      if (upper_[slot]) value = masks_[slot];  // the upper half of a 64-bit BAR: all address
    }
    std::memcpy(&config_[offset], &value, 4);
  }
  u16 size() const override { return 256; }
  bool reaches(Address) const override { return true; }

  u32 masks_[6] = {};
  bool upper_[6] = {};
  std::vector<std::pair<u16, u32>> writes_;
  std::vector<u8> config_;
};

std::vector<u8> xhci_config() {
  return ember_test::captured_files("pci", "q35").at("0000-00-02.0");
}

}  // namespace

TEST_CASE("probing a 64-bit BAR sizes both halves and restores them and the command register",
          "[pci][hal]") {
  FakeFunction f(xhci_config());
  f.masks_[0] = 0xffff'c004;
  f.masks_[1] = 0xffff'ffff;
  f.upper_[1] = true;
  u32 bar0 = f.read32({}, 0x10), bar1 = f.read32({}, 0x14), command = f.read32({}, 4) & 0xFFFF;
  libk::pci::BarProbe p = hal::pci::probe_bar(f, {}, 0);
  CHECK(p.value == bar0);
  CHECK(p.upper_value == bar1);
  CHECK(p.mask == 0xffff'c004);
  CHECK(p.upper_mask == 0xffff'ffff);
  CHECK(f.read32({}, 0x10) == bar0);
  CHECK(f.read32({}, 0x14) == bar1);
  CHECK((f.read32({}, 4) & 0xFFFF) == command);
  // Decoding was off while the BAR held all ones.
  REQUIRE(f.writes_.size() >= 2);
  CHECK(f.writes_.front().first == 4);
  CHECK((f.writes_.front().second & 3) == 0);
  libk::pci::Bar bar = libk::pci::decode_bar(p);
  CHECK(bar.size == 0x4000);
  CHECK(bar.address == (u64(bar1) << 32 | (bar0 & ~0xFu)));
}

TEST_CASE("the command register is written without the status bits that clear on write",
          "[pci][hal]") {
  FakeFunction f(xhci_config());
  f.config_[6] = 0xff;
  f.config_[7] = 0xff;
  hal::pci::enable_device(f, {}, true, false, true);
  REQUIRE(!f.writes_.empty());
  CHECK((f.writes_.back().second >> 16) == 0);
  hal::pci::Command c(f.writes_.back().second);
  CHECK(c.bus_master());
  CHECK(c.memory_space());
  CHECK(c.interrupt_disable());
}

TEST_CASE("MSI is programmed with the message and one vector, then enabled", "[pci][hal]") {
  std::vector<u8> config = ember_test::captured_files("pci", "q35").at("0000-01-00.0");
  FakeFunction f(config);
  auto caps = libk::pci::parse_capabilities({config.data(), config.size()});
  auto msi = libk::pci::parse_msi({config.data(), config.size()}, *caps.find(5)).value();
  hal::pci::enable_msi(f, {}, msi, hal::msi::compose(3, 0x41));
  u16 base = msi.offset;
  CHECK(f.read32({}, base + 4) == 0xfee0'3000);
  CHECK(f.read32({}, base + 8) == 0);
  CHECK((f.read32({}, base + 0xC) & 0xFFFF) == 0x41);
  hal::pci::MsiControl control(f.read16({}, base + 2));
  CHECK(control.enable());
  CHECK(control.multiple_message_enable() == 0);
  CHECK(hal::pci::Command(f.read16({}, 4)).interrupt_disable());
}

TEST_CASE("MSI-X entries are written masked first, then take the requested mask", "[pci][hal]") {
  std::vector<u8> config = xhci_config();
  FakeFunction f(config);
  auto msix = libk::pci::parse_msix({config.data(), config.size()}, 0x90).value();
  std::vector<u32> table(msix.table_size * 4, 0);
  hal::pci::enable_msix(f, {}, msix, table.data());
  hal::pci::MsixControl control(f.read16({}, 0x92));
  CHECK(control.enable());
  CHECK_FALSE(control.function_mask());
  for (u16 i = 0; i < msix.table_size; ++i) CHECK((table[i * 4 + 3] & 1) == 1);
  hal::pci::program_msix_entry(table.data(), 2, hal::msi::compose(0, 0x42), false);
  CHECK(table[8] == 0xfee0'0000);
  CHECK(table[9] == 0);
  CHECK(table[10] == 0x42);
  CHECK((table[11] & 1) == 0);
}

TEST_CASE("an MSI message names the APIC in the address and the vector in the data", "[pci][hal]") {
  hal::pci::MsiMessage m = hal::msi::compose(0xAB, 0x7E);
  CHECK(m.address == 0xfee'ab000);
  CHECK(m.data == 0x7E);
  hal::msi::Address a(m.address);
  CHECK_FALSE(a.logical_destination());
  CHECK_FALSE(a.redirection_hint());
  CHECK_FALSE(hal::msi::Data(m.data).level_triggered());
}

TEST_CASE("the 0xCF8 address names bus, device, function and dword", "[pci][hal]") {
  hal::pci::ConfigAddress a = hal::pci::ConfigAddress(0)
                                  .set_enable(true)
                                  .set_bus(0x12)
                                  .set_device(0x1f)
                                  .set_function(3)
                                  .set_dword(0x3c / 4);
  CHECK(a.raw() == 0x8012'fb3c);
}
