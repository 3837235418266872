// USB standard requests and descriptors (USB 2.0 chapter 9; HID 1.11 §7; hub class: USB 2.0
// §11.23-11.24, USB 3.2 §10.15). Descriptors come from the device and are untrusted: every
// length is checked against the bytes received and against its type's minimum, a
// configuration's total length against what arrived, and a problem is an error value.
#pragma once

#include <usb/xhci_trb.hpp>

#include <libk/fixed_vector.hpp>
#include <libk/optional.hpp>
#include <libk/result.hpp>
#include <libk/span.hpp>

namespace usb {

using xhci::SetupPacket;

// Descriptor types — USB 2.0 Table 9-5; HID 1.11 §7.1; hubs §11.23.2.1 / USB 3.2 §10.15.2.1.
namespace descriptor {
inline constexpr u8 kDevice = 1;
inline constexpr u8 kConfiguration = 2;
inline constexpr u8 kString = 3;
inline constexpr u8 kInterface = 4;
inline constexpr u8 kEndpoint = 5;
inline constexpr u8 kHid = 0x21;
inline constexpr u8 kReport = 0x22;
inline constexpr u8 kHub = 0x29;
inline constexpr u8 kSuperSpeedHub = 0x2A;
}  // namespace descriptor

// Interface classes — usb.org class codes.
inline constexpr u8 kClassHid = 0x03;
inline constexpr u8 kClassMassStorage = 0x08;
inline constexpr u8 kClassHub = 0x09;
inline constexpr u8 kHidSubclassBoot = 1;
inline constexpr u8 kHidProtocolKeyboard = 1;
inline constexpr u8 kHidProtocolMouse = 2;
inline constexpr u8 kHubProtocolMultiTt = 2;  // a high-speed hub with a TT per port

// ---- Requests (USB 2.0 §9.4, HID 1.11 §7.2, hubs §11.24.2) ----

SetupPacket get_descriptor(u8 type, u8 index, u16 length, u16 language = 0);
SetupPacket set_configuration(u8 value);
SetupPacket hid_set_protocol(u8 interface, bool boot);
SetupPacket hid_set_idle(u8 interface, u8 duration_4ms);
SetupPacket hid_set_report_output(u8 interface, u16 length);
SetupPacket hub_get_descriptor(bool superspeed, u16 length);
SetupPacket hub_get_port_status(u8 port);
SetupPacket hub_set_port_feature(u8 port, u16 feature);
SetupPacket hub_clear_port_feature(u8 port, u16 feature);
SetupPacket hub_set_depth(u16 depth);  // SuperSpeed hubs: their tier below the root (0-4)

// ---- Descriptors ----

enum class DescriptorError : u8 {
  TooShort,     // fewer bytes than the descriptor's type needs
  WrongType,    // bDescriptorType is not what was asked for
  BadLength,    // a bLength below 2 or past the end, or wTotalLength beyond what arrived
  TooMany,      // more interfaces or endpoints than Ember keeps
  NoInterface,  // a configuration with no interface
};
libk::StringView descriptor_error_text(DescriptorError e);

// Device descriptor — USB 2.0 §9.6.1, Table 9-8.
struct DeviceDescriptor {
  u16 usb_version;  // BCD
  u8 device_class, device_subclass, device_protocol;
  u8 max_packet0;  // bMaxPacketSize0 (for SuperSpeed an exponent: 2^n)
  u16 vendor, product, device_version;
  u8 manufacturer, product_string, serial;  // string indexes
  u8 configurations;
};
inline constexpr u16 kDeviceDescriptorLength = 18;
libk::Result<DeviceDescriptor, DescriptorError> parse_device(libk::Bytes bytes);
// The default endpoint's max packet size the descriptor gives, for the device's speed.
u16 max_packet0(const DeviceDescriptor& d, bool superspeed);

// Endpoint descriptor — USB 2.0 §9.6.6, Table 9-13.
enum class TransferType : u8 { Control = 0, Isochronous = 1, Bulk = 2, Interrupt = 3 };
struct Endpoint {
  u8 address;  // bit 7: IN
  TransferType type;
  u16 max_packet;  // bits 10:0 (12:11 are additional transactions per microframe)
  u8 interval;
  bool in() const { return address & 0x80; }
};

struct Interface {
  u8 number, alternate;
  u8 interface_class, subclass, protocol;
  u8 name;            // string index
  u16 report_length;  // HID: the report descriptor's length from its HID descriptor, else 0
  libk::FixedVector<Endpoint, 4> endpoints;
  u8 skipped_endpoints;  // beyond the 4 kept

  // The first interrupt IN endpoint, if any.
  libk::Optional<Endpoint> interrupt_in() const;
};

// Configuration descriptor and what follows it — USB 2.0 §9.6.3, Table 9-10. Alternate
// settings other than 0 are skipped: Ember does not switch them.
struct Configuration {
  u16 total_length;
  u8 value;
  u8 attributes;
  u8 max_power_2ma;
  u8 name;
  libk::FixedVector<Interface, 8> interfaces;
};
inline constexpr u16 kConfigurationHeaderLength = 9;
// `bytes` holds what the device sent for wTotalLength bytes; fewer is BadLength.
libk::Result<Configuration, DescriptorError> parse_configuration(libk::Bytes bytes);
// wTotalLength from the first 9 bytes (to ask for the whole configuration).
libk::Result<u16, DescriptorError> configuration_total_length(libk::Bytes header);

// String descriptor 0: the first language ID, if the device has strings at all (§9.6.7).
libk::Optional<u16> first_language(libk::Bytes bytes);
// A string descriptor (UTF-16LE) as UTF-8 into `out` (cut at its capacity, always
// terminated, code units that are not valid UTF-16 become '?'). Returns the bytes written.
libk::Result<usize, DescriptorError> decode_string(libk::Bytes bytes, char* out, usize capacity);

// Hub descriptor — USB 2.0 §11.23.2.1 (type 0x29) and USB 3.2 §10.15.2.1 (type 0x2A).
struct HubDescriptor {
  u8 ports;
  u16 characteristics;
  u8 power_on_to_good_2ms;  // bPwrOn2PwrGood, in 2 ms units
  // wHubCharacteristics bits 6:5: TT think time in 8 FS bit times minus one (0-3).
  u8 tt_think_time() const { return (characteristics >> 5) & 3; }
};
libk::Result<HubDescriptor, DescriptorError> parse_hub(libk::Bytes bytes, bool superspeed);

// Hub port status and change bits — USB 2.0 §11.24.2.7.1-2 (Tables 11-21, 11-22); USB 3.2
// §10.16.2.6 uses the same positions for these bits, except speed.
struct PortStatus {
  u16 status;
  u16 change;
  bool connected() const { return status & (1 << 0); }
  bool enabled() const { return status & (1 << 1); }
  bool resetting() const { return status & (1 << 4); }
  bool powered(bool superspeed) const { return status & (1 << (superspeed ? 9 : 8)); }
  bool low_speed() const { return status & (1 << 9); }
  bool high_speed() const { return status & (1 << 10); }
  bool connection_changed() const { return change & (1 << 0); }
  bool reset_changed() const { return change & (1 << 4); }
};
libk::Result<PortStatus, DescriptorError> parse_port_status(libk::Bytes bytes);

// The ports a hub's status-change bitmap (USB 2.0 §11.12.4) marks: bit n is port n; bit 0,
// the hub itself, is dropped. Ports above 31 do not fit (hubs have at most 15 here).
u32 changed_ports(libk::Bytes bitmap);
constexpr bool port_in(u32 ports, u8 port) { return port < 32 && ((ports >> port) & 1); }

// Hub port features — USB 2.0 Table 11-17 (USB 3.2 Table 10-9 adds BH reset 28 and
// C_BH_PORT_RESET 29).
namespace port_feature {
inline constexpr u16 kReset = 4;
inline constexpr u16 kPower = 8;
inline constexpr u16 kCConnection = 16;
inline constexpr u16 kCEnable = 17;
inline constexpr u16 kCSuspend = 18;
inline constexpr u16 kCOverCurrent = 19;
inline constexpr u16 kCReset = 20;
inline constexpr u16 kCBhReset = 29;
inline constexpr u16 kCLinkState = 25;
inline constexpr u16 kCConfigError = 26;
}  // namespace port_feature

// The C_PORT_* features to clear for the change bits `s` reports (USB 2.0 Table 11-22; USB
// 3.2 Table 10-12 for SuperSpeed hubs' BH reset, link state and configuration error).
inline constexpr usize kMaxPortChanges = 8;
usize port_change_features(const PortStatus& s, bool superspeed, u16 (&out)[kMaxPortChanges]);

}  // namespace usb
