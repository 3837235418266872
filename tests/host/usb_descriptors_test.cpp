// USB descriptors and requests (usb/descriptors.hpp) on what QEMU 7.2's USB devices sent
// (captured by tools/capture_devices.py into tests/data/usb/qemu/) and on corrupted copies:
// a bad length is an error, never a read past the data.
#include <catch2/catch.hpp>
#include <cstring>
#include <string>
#include <usb/descriptors.hpp>

#include "captured_files.hpp"

using namespace usb;
using ember_test::bytes;
using ember_test::captured_files;

namespace {

std::vector<u8> captured(const std::string& name) { return captured_files("usb", "qemu").at(name); }

Configuration configuration(const std::string& device) {
  auto c = parse_configuration(bytes(captured(device + ".configuration")));
  REQUIRE(c.ok());
  return c.value();
}

}  // namespace

TEST_CASE("every captured device and configuration descriptor parses", "[usb][descriptors]") {
  for (const auto& [name, data] : captured_files("usb", "qemu")) {
    INFO(name);
    if (name.find(".device") != std::string::npos)
      CHECK(parse_device(bytes(data)).ok());
    else
      CHECK(parse_configuration(bytes(data)).ok());
  }
}

TEST_CASE("QEMU's keyboard is a HID boot keyboard with an 8-byte interrupt endpoint",
          "[usb][descriptors]") {
  DeviceDescriptor d = parse_device(bytes(captured("QEMU-USB-Keyboard.device"))).value();
  CHECK(d.vendor == 0x0627);
  CHECK(d.product == 0x0001);
  CHECK(d.usb_version == 0x0200);
  CHECK(d.max_packet0 == 8);
  CHECK(d.product_string == 4);
  Configuration c = configuration("QEMU-USB-Keyboard");
  CHECK(c.value == 1);
  REQUIRE(c.interfaces.size() == 1);
  const Interface& i = c.interfaces[0];
  CHECK(i.interface_class == kClassHid);
  CHECK(i.subclass == kHidSubclassBoot);
  CHECK(i.protocol == kHidProtocolKeyboard);
  CHECK(i.report_length == 63);
  auto ep = i.interrupt_in();
  REQUIRE(ep);
  CHECK(ep->address == 0x81);
  CHECK(ep->max_packet == 8);
  CHECK(ep->interval == 10);
}

TEST_CASE("QEMU's mouse and tablet: a boot mouse, and a HID device without boot protocol",
          "[usb][descriptors]") {
  Interface mouse = configuration("QEMU-USB-Mouse").interfaces[0];
  CHECK(mouse.protocol == kHidProtocolMouse);
  CHECK(mouse.interrupt_in()->max_packet == 4);
  Interface tablet = configuration("QEMU-USB-Tablet").interfaces[0];
  CHECK(tablet.interface_class == kClassHid);
  CHECK(tablet.subclass == 0);
  CHECK(tablet.protocol == 0);
  CHECK(tablet.report_length == 74);
  CHECK(parse_device(bytes(captured("QEMU-USB-Tablet.device"))).value().max_packet0 == 64);
}

TEST_CASE("QEMU's hub has one interrupt endpoint for status changes", "[usb][descriptors]") {
  DeviceDescriptor d = parse_device(bytes(captured("QEMU-USB-Hub.device"))).value();
  CHECK(d.device_class == kClassHub);
  CHECK(d.vendor == 0x0409);
  CHECK(d.product == 0x55aa);
  Interface hub = configuration("QEMU-USB-Hub").interfaces[0];
  CHECK(hub.interface_class == kClassHub);
  CHECK(hub.interrupt_in()->address == 0x81);
  CHECK(hub.interrupt_in()->max_packet == 2);
}

TEST_CASE("a USB 3 stick: bulk endpoints, SuperSpeed companions skipped", "[usb][descriptors]") {
  DeviceDescriptor d = parse_device(bytes(captured("QEMU-USB-HARDDRIVE.device"))).value();
  CHECK(d.usb_version == 0x0300);
  CHECK(max_packet0(d, true) == 512);
  Interface storage = configuration("QEMU-USB-HARDDRIVE").interfaces[0];
  CHECK(storage.interface_class == kClassMassStorage);
  REQUIRE(storage.endpoints.size() == 2);
  CHECK(storage.endpoints[0].type == TransferType::Bulk);
  CHECK(storage.endpoints[0].max_packet == 1024);
  CHECK_FALSE(storage.interrupt_in());
}

TEST_CASE("a descriptor of length 0 inside a configuration is an error, not a loop",
          "[usb][descriptors]") {
  std::vector<u8> c = captured("QEMU-USB-Keyboard.configuration");
  c[9] = 0;  // the interface descriptor's bLength
  CHECK(parse_configuration(bytes(c)).error() == DescriptorError::BadLength);
}

TEST_CASE("a descriptor running past wTotalLength is an error", "[usb][descriptors]") {
  std::vector<u8> c = captured("QEMU-USB-Keyboard.configuration");
  c[c.size() - 7] = 9;  // the endpoint descriptor claims 9 bytes, 7 remain
  CHECK(parse_configuration(bytes(c)).error() == DescriptorError::BadLength);
}

TEST_CASE("wTotalLength beyond the bytes received is an error", "[usb][descriptors]") {
  std::vector<u8> c = captured("QEMU-USB-Keyboard.configuration");
  CHECK(parse_configuration({c.data(), c.size() - 1}).error() == DescriptorError::BadLength);
  c[2] = 8;  // below the header itself
  CHECK(parse_configuration(bytes(c)).error() == DescriptorError::BadLength);
}

TEST_CASE("a configuration without interfaces is refused", "[usb][descriptors]") {
  u8 header[9] = {9, 2, 9, 0, 0, 1, 0, 0x80, 50};
  CHECK(parse_configuration({header, 9}).error() == DescriptorError::NoInterface);
}

TEST_CASE("alternate settings and short class descriptors are skipped", "[usb][descriptors]") {
  std::vector<u8> c = captured("QEMU-USB-Keyboard.configuration");
  c[12] = 1;  // interface 0 becomes alternate setting 1
  auto parsed = parse_configuration(bytes(c));
  CHECK(parsed.error() == DescriptorError::NoInterface);
  std::vector<u8> k = captured("QEMU-USB-Keyboard.configuration");
  k[18] = 6;  // the HID descriptor is cut to 6 bytes: no report length, still parses
  k.erase(k.begin() + 24, k.begin() + 27);
  k[2] = u8(k.size());
  auto cut = parse_configuration(bytes(k));
  REQUIRE(cut.ok());
  CHECK(cut.value().interfaces[0].report_length == 0);
  CHECK(cut.value().interfaces[0].interrupt_in());
}

TEST_CASE("a device descriptor that is short or of another type is refused", "[usb][descriptors]") {
  std::vector<u8> d = captured("QEMU-USB-Keyboard.device");
  CHECK(parse_device({d.data(), 17}).error() == DescriptorError::TooShort);
  d[1] = 2;
  CHECK(parse_device(bytes(d)).error() == DescriptorError::WrongType);
}

TEST_CASE("EP0 packet sizes: the valid ones, 8 otherwise, 2^n at SuperSpeed",
          "[usb][descriptors]") {
  DeviceDescriptor d{};
  d.max_packet0 = 64;
  CHECK(max_packet0(d, false) == 64);
  d.max_packet0 = 7;
  CHECK(max_packet0(d, false) == 8);
  d.max_packet0 = 9;
  CHECK(max_packet0(d, true) == 512);
  d.max_packet0 = 30;
  CHECK(max_packet0(d, true) == 512);
}

TEST_CASE("requests encode as USB 2.0 §9.4 and HID 1.11 §7.2 say", "[usb][descriptors]") {
  CHECK(get_descriptor(descriptor::kDevice, 0, 18).raw() == 0x0012'0000'0100'0680ull);
  CHECK(get_descriptor(descriptor::kString, 2, 255, 0x0409).raw() == 0x00ff'0409'0302'0680ull);
  CHECK(set_configuration(1).raw() == 0x0000'0000'0001'0900ull);
  CHECK(hid_set_protocol(0, true).raw() == 0x0000'0000'0000'0b21ull);
  CHECK(hid_set_idle(2, 0).raw() == 0x0000'0002'0000'0a21ull);
  CHECK(hid_set_report_output(0, 1).raw() == 0x0001'0000'0200'0921ull);
  CHECK(hub_get_port_status(3).raw() == 0x0004'0003'0000'00a3ull);
  CHECK(hub_set_port_feature(1, port_feature::kReset).raw() == 0x0000'0001'0004'0323ull);
  CHECK(hub_get_descriptor(true, 12).raw() == 0x000c'0000'2a00'06a0ull);
}

TEST_CASE("string descriptors decode from UTF-16 to UTF-8", "[usb][descriptors]") {
  char out[32];
  u8 qemu[] = {10, 3, 'Q', 0, 'E', 0, 'M', 0, 'U', 0};
  REQUIRE(decode_string({qemu, sizeof(qemu)}, out, sizeof(out)).value() == 4);
  CHECK(std::string(out) == "QEMU");
  u8 pair[] = {8, 3, 0xe9, 0, 0x3d, 0xd8, 0x00, 0xde};  // é, U+1F600
  (void)decode_string({pair, sizeof(pair)}, out, sizeof(out));
  CHECK(std::string(out) == "\xc3\xa9\xf0\x9f\x98\x80");
  u8 lone[] = {4, 3, 0x00, 0xdc};
  (void)decode_string({lone, sizeof(lone)}, out, sizeof(out));
  CHECK(std::string(out) == "?");
  (void)decode_string({qemu, sizeof(qemu)}, out, 3);  // cut, terminated
  CHECK(std::string(out) == "QE");
  u8 odd[] = {9, 3, 'A', 0, 'B', 0, 'C', 0, 'D'};  // an odd length ends at the last whole unit
  (void)decode_string({odd, sizeof(odd)}, out, sizeof(out));
  CHECK(std::string(out) == "ABC");
  u8 claims_more[] = {40, 3, 'A', 0};  // bLength beyond the bytes: only what arrived
  (void)decode_string({claims_more, sizeof(claims_more)}, out, sizeof(out));
  CHECK(std::string(out) == "A");
  CHECK(decode_string({qemu, 1}, out, sizeof(out)).error() == DescriptorError::TooShort);
  u8 language[] = {4, 3, 0x09, 0x04};
  CHECK(*first_language({language, 4}) == 0x0409);
  CHECK_FALSE(first_language({language, 2}));
}

TEST_CASE("hub descriptors and port status", "[usb][descriptors]") {
  u8 hub[] = {9, 0x29, 8, 0x0d, 0x00, 10, 0, 0, 0xff};
  auto h = parse_hub({hub, sizeof(hub)}, false);
  REQUIRE(h.ok());
  CHECK(h.value().ports == 8);
  CHECK(h.value().power_on_to_good_2ms == 10);
  CHECK(h.value().tt_think_time() == 0);
  CHECK(parse_hub({hub, sizeof(hub)}, true).error() == DescriptorError::WrongType);
  CHECK(parse_hub({hub, 5}, false).error() == DescriptorError::TooShort);
  u8 status[] = {0x03, 0x03, 0x01, 0x00};  // connected, enabled, powered, low speed; C_CONNECTION
  PortStatus s = parse_port_status({status, 4}).value();
  CHECK(s.connected());
  CHECK(s.enabled());
  CHECK(s.powered(false));
  CHECK(s.low_speed());
  CHECK(s.connection_changed());
  CHECK_FALSE(s.reset_changed());
  CHECK(parse_port_status({status, 3}).error() == DescriptorError::TooShort);
}

TEST_CASE("a hub's status-change bitmap names ports, not the hub", "[usb][descriptors]") {
  u8 bitmap[2] = {0b0000'0111, 0b1000'0000};  // hub, ports 1, 2 and 15
  u32 ports = changed_ports({bitmap, 2});
  CHECK_FALSE(port_in(ports, 0));
  CHECK(port_in(ports, 1));
  CHECK(port_in(ports, 2));
  CHECK_FALSE(port_in(ports, 3));
  CHECK(port_in(ports, 15));
  CHECK_FALSE(port_in(ports, 40));
  u8 long_bitmap[6] = {0, 0, 0, 0, 0xff, 0xff};  // beyond 32 ports: ignored
  CHECK(changed_ports({long_bitmap, 6}) == 0);
}

TEST_CASE("each change bit is cleared by its C_PORT feature", "[usb][descriptors]") {
  u16 features[kMaxPortChanges];
  PortStatus s{0, 0b1111'0001};  // connection, reset, BH reset, link state, config error
  REQUIRE(port_change_features(s, false, features) == 2);
  CHECK(features[0] == port_feature::kCConnection);
  CHECK(features[1] == port_feature::kCReset);
  REQUIRE(port_change_features(s, true, features) == 5);
  CHECK(features[2] == port_feature::kCBhReset);
  CHECK(features[4] == port_feature::kCConfigError);
}
