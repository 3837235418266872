// hal's xHCI register access (hal/xhci.hpp) against a fake register file: offsets and write
// order as xHCI 1.2 chapter 5 says, PORTSC writes that clear nothing by accident, the
// extended capability walk and the BIOS hand-off bits.
#include <catch2/catch.hpp>
#include <map>
#include <vector>

#include <hal/xhci.hpp>

using namespace hal::xhci;

namespace {

struct FakeWindow final : MmioWindow {
  std::map<u32, u32> regs;
  std::vector<std::pair<u32, u32>> writes;
  u32 read32(u32 offset) override {
    auto it = regs.find(offset);
    return it == regs.end() ? 0 : it->second;
  }
  void write32(u32 offset, u32 value) override {
    writes.push_back({offset, value});
    regs[offset] = value;
  }
};

// qemu-xhci's capability registers: CAPLENGTH 0x40, version 1.0, 64 slots, 16 interrupters,
// 8 ports, 64-bit addressing, extended capabilities at dword 8, doorbells at 0x2000,
// runtime registers at 0x1000.
FakeWindow qemu_like() {
  FakeWindow w;
  w.regs[0x00] = 0x0100'0040;
  w.regs[0x04] = 0x0800'1040;
  w.regs[0x08] = 0x0000'000f;
  w.regs[0x10] = 0x0008'7001;
  w.regs[0x14] = 0x2000;
  w.regs[0x18] = 0x1000;
  return w;
}

}  // namespace

TEST_CASE("capability registers decode", "[xhci][hal]") {
  FakeWindow w = qemu_like();
  Registers r(w);
  Capabilities c = r.read_capabilities();
  CHECK(c.length == 0x40);
  CHECK(c.version == 0x0100);
  CHECK(c.params1.max_slots() == 64);
  CHECK(c.params1.max_interrupters() == 16);
  CHECK(c.params1.max_ports() == 8);
  CHECK(c.cparams1.addressing_64());
  CHECK_FALSE(c.cparams1.context_size_64());
  CHECK(c.doorbell_offset == 0x2000);
  CHECK(c.runtime_offset == 0x1000);
}

TEST_CASE("a PORTSC write built from neutral() clears no change bit and keeps power",
          "[xhci][hal]") {
  FakeWindow w = qemu_like();
  Registers r(w);
  r.read_capabilities();
  u32 portsc = 0x40 + 0x400 + 0x10 * 2;  // port 3
  w.regs[portsc] = u32(PortStatus(0)
                           .set_connected(true)
                           .set_enabled(true)
                           .set_power(true)
                           .set_speed(1)
                           .set_connect_change(true)
                           .set_reset_change(true)
                           .raw());
  PortStatus now = r.port(3);
  r.set_port(3, now.neutral().set_reset(true));
  PortStatus written(w.writes.back().second);
  CHECK(w.writes.back().first == portsc);
  CHECK(written.reset());
  CHECK(written.power());
  CHECK_FALSE(written.enabled());  // writing 1 to PED would disable the port
  CHECK_FALSE(written.connect_change());
  CHECK(now.changes().raw() == PortStatus(0).set_connect_change(true).set_reset_change(true).raw());
}

TEST_CASE("the event ring is started by ERSTBA, written last", "[xhci][hal]") {
  FakeWindow w = qemu_like();
  Registers r(w);
  r.read_capabilities();
  r.set_event_ring(0, 1, 0x1'2000'0000, 0x3000);
  REQUIRE(w.writes.size() == 5);
  CHECK(w.writes[0] == std::pair<u32, u32>{0x1028, 1});
  CHECK(w.writes[1] == std::pair<u32, u32>{0x1038, 0x3000});
  CHECK(w.writes[3] == std::pair<u32, u32>{0x1030, 0x2000'0000});
  CHECK(w.writes[4] == std::pair<u32, u32>{0x1034, 0x1});
}

TEST_CASE("doorbells are at DBOFF + 4 x slot", "[xhci][hal]") {
  FakeWindow w = qemu_like();
  Registers r(w);
  r.read_capabilities();
  r.ring(3, Doorbell(0).set_target(1));
  CHECK(w.writes.back() == std::pair<u32, u32>{0x2000 + 12, 1});
}

TEST_CASE("extended capabilities are found by ID; the walk ends at the last", "[xhci][hal]") {
  FakeWindow w = qemu_like();
  Registers r(w);
  r.read_capabilities();
  w.regs[0x20] =
      u32(ExtendedCapability(0).set_id(kSupportedProtocol).set_next(4).raw()) | 0x0200'0000;
  w.regs[0x28] = 0x0401;  // ports 1-4
  w.regs[0x30] =
      u32(ExtendedCapability(0).set_id(kSupportedProtocol).set_next(0).raw()) | 0x0300'0000;
  w.regs[0x38] = 0x0405;  // ports 5-8
  auto first = r.find_capability(kSupportedProtocol);
  REQUIRE(first);
  CHECK(*first == 0x20);
  ProtocolRange usb2 = r.protocol(*first);
  CHECK(usb2.major == 2);
  CHECK(usb2.first_port == 1);
  CHECK(usb2.port_count == 4);
  auto second = r.find_capability(kSupportedProtocol, *first);
  REQUIRE(second);
  CHECK(r.protocol(*second).major == 3);
  CHECK_FALSE(r.find_capability(kSupportedProtocol, *second));
  CHECK_FALSE(r.find_capability(kLegacySupport));
  w.regs[0x30] = u32(ExtendedCapability(0).set_id(kSupportedProtocol).set_next(0xFE).raw());
  w.regs[0x30 + 0xFE * 4] = u32(ExtendedCapability(0).set_id(7).set_next(0).raw());
  w.regs[0x20] = u32(ExtendedCapability(0).set_id(9).set_next(0).raw());
  CHECK_FALSE(r.find_capability(kLegacySupport));
}

TEST_CASE("the BIOS hand-off sets OS owned and turns the firmware's SMIs off", "[xhci][hal]") {
  FakeWindow w = qemu_like();
  Registers r(w);
  r.read_capabilities();
  w.regs[0x20] = u32(LegacySupport(0).set_bios_owned(true).raw()) | kLegacySupport;
  w.regs[0x24] = u32(LegacyControl(0).set_usb_smi_enable(true).set_bar_smi_enable(true).raw());
  r.request_ownership(0x20);
  CHECK(LegacySupport(w.regs[0x20]).os_owned());
  CHECK(r.bios_owned(0x20));
  w.regs[0x20] &= ~u32(LegacySupport(0).set_bios_owned(true).raw());  // the firmware lets go
  CHECK_FALSE(r.bios_owned(0x20));
  r.disable_legacy_smis(0x20);
  LegacyControl c(w.regs[0x24]);
  CHECK_FALSE(c.usb_smi_enable());
  CHECK_FALSE(c.bar_smi_enable());
  CHECK(c.bar_change());  // status bits written as one to clear them
}
