#include <usb/descriptors.hpp>

#include <libk/utf8.hpp>

namespace usb {

namespace {

using libk::Bytes;
using libk::load_le;
using libk::Unexpected;

// bmRequestType — USB 2.0 §9.3.1, Table 9-2: direction, type, recipient.
constexpr u8 kToDevice = 0x00, kFromDevice = 0x80;
constexpr u8 kStandard = 0x00, kClass = 0x20;
constexpr u8 kRecipientDevice = 0, kRecipientInterface = 1, kRecipientOther = 3;

// bRequest — USB 2.0 Table 9-4; HID 1.11 §7.2; hubs Table 11-16 and USB 3.2 Table 10-8.
constexpr u8 kGetStatus = 0, kClearFeature = 1, kSetFeature = 3, kGetDescriptor = 6,
             kSetConfiguration = 9, kSetHubDepth = 12;
constexpr u8 kHidSetReport = 0x09, kHidSetIdle = 0x0A, kHidSetProtocol = 0x0B;
constexpr u8 kHidOutputReport = 2;

constexpr u8 kInterfaceLength = 9, kEndpointLength = 7, kHidLength = 9;

template <typename T>
Unexpected<DescriptorError> fail(T e) {
  return {e};
}

// The interface whose endpoints and class descriptors follow, or nullptr while skipping an
// alternate setting.
void add_endpoint(Interface* current, const u8* d) {
  if (!current) return;
  Endpoint e{d[2], TransferType(d[3] & 3), u16(load_le<u16>(d + 4) & 0x7FF), d[6]};
  if (!current->endpoints.push_back(e)) ++current->skipped_endpoints;
}

}  // namespace

libk::StringView descriptor_error_text(DescriptorError e) {
  switch (e) {
    case DescriptorError::TooShort: return "descriptor too short";
    case DescriptorError::WrongType: return "unexpected descriptor type";
    case DescriptorError::BadLength: return "descriptor length runs past the data";
    case DescriptorError::TooMany: return "more interfaces than Ember keeps";
    case DescriptorError::NoInterface: return "configuration without an interface";
  }
  return "bad descriptor";
}

SetupPacket get_descriptor(u8 type, u8 index, u16 length, u16 language) {
  return {kFromDevice | kStandard | kRecipientDevice, kGetDescriptor, u16(type << 8 | index),
          language, length};
}

SetupPacket set_configuration(u8 value) {
  return {kToDevice | kStandard | kRecipientDevice, kSetConfiguration, value, 0, 0};
}

SetupPacket hid_set_protocol(u8 interface, bool boot) {
  return {kToDevice | kClass | kRecipientInterface, kHidSetProtocol, u16(boot ? 0 : 1), interface,
          0};
}

SetupPacket hid_set_idle(u8 interface, u8 duration_4ms) {
  return {kToDevice | kClass | kRecipientInterface, kHidSetIdle, u16(duration_4ms << 8), interface,
          0};
}

SetupPacket hid_set_report_output(u8 interface, u16 length) {
  return {kToDevice | kClass | kRecipientInterface, kHidSetReport, u16(kHidOutputReport << 8),
          interface, length};
}

SetupPacket hub_get_descriptor(bool superspeed, u16 length) {
  u8 type = superspeed ? descriptor::kSuperSpeedHub : descriptor::kHub;
  return {kFromDevice | kClass | kRecipientDevice, kGetDescriptor, u16(type << 8), 0, length};
}

SetupPacket hub_get_port_status(u8 port) {
  return {kFromDevice | kClass | kRecipientOther, kGetStatus, 0, port, 4};
}

SetupPacket hub_set_port_feature(u8 port, u16 feature) {
  return {kToDevice | kClass | kRecipientOther, kSetFeature, feature, port, 0};
}

SetupPacket hub_clear_port_feature(u8 port, u16 feature) {
  return {kToDevice | kClass | kRecipientOther, kClearFeature, feature, port, 0};
}

SetupPacket hub_set_depth(u16 depth) {
  return {kToDevice | kClass | kRecipientDevice, kSetHubDepth, depth, 0, 0};
}

libk::Result<DeviceDescriptor, DescriptorError> parse_device(Bytes b) {
  if (b.size() < kDeviceDescriptorLength || b[0] < kDeviceDescriptorLength)
    return fail(DescriptorError::TooShort);
  if (b[1] != descriptor::kDevice) return fail(DescriptorError::WrongType);
  const u8* p = b.data();
  return DeviceDescriptor{
      load_le<u16>(p + 2),  p[4],  p[5],  p[6],  p[7], load_le<u16>(p + 8), load_le<u16>(p + 10),
      load_le<u16>(p + 12), p[14], p[15], p[16], p[17]};
}

u16 max_packet0(const DeviceDescriptor& d, bool superspeed) {
  if (superspeed) return d.max_packet0 >= 5 && d.max_packet0 <= 10 ? u16(1u << d.max_packet0) : 512;
  switch (d.max_packet0) {
    case 8:
    case 16:
    case 32:
    case 64: return d.max_packet0;
  }
  return 8;  // not a valid size: the safe one every device accepts
}

libk::Optional<Endpoint> Interface::interrupt_in() const {
  for (const Endpoint& e : endpoints)
    if (e.type == TransferType::Interrupt && e.in()) return e;
  return libk::nullopt;
}

libk::Result<u16, DescriptorError> configuration_total_length(Bytes h) {
  if (h.size() < kConfigurationHeaderLength || h[0] < kConfigurationHeaderLength)
    return fail(DescriptorError::TooShort);
  if (h[1] != descriptor::kConfiguration) return fail(DescriptorError::WrongType);
  u16 total = load_le<u16>(h.data() + 2);
  if (total < kConfigurationHeaderLength) return fail(DescriptorError::BadLength);
  return total;
}

libk::Result<Configuration, DescriptorError> parse_configuration(Bytes b) {
  u16 total = TRY(configuration_total_length(b));
  if (total > b.size()) return fail(DescriptorError::BadLength);
  Configuration c;
  c.total_length = total;
  c.value = b[5];
  c.name = b[6];
  c.attributes = b[7];
  c.max_power_2ma = b[8];
  Interface* current = nullptr;
  for (usize off = b[0]; off < total;) {
    u8 length = b[off];
    if (length < 2 || off + length > total) return fail(DescriptorError::BadLength);
    const u8* d = b.data() + off;
    u8 type = d[1];
    if (type == descriptor::kInterface && length >= kInterfaceLength) {
      current = nullptr;
      if (d[3] == 0) {  // alternate setting 0 only
        Interface i{d[2], d[3], d[5], d[6], d[7], d[8], 0, {}, 0};
        if (!c.interfaces.push_back(i)) return fail(DescriptorError::TooMany);
        current = &c.interfaces[c.interfaces.size() - 1];
      }
    } else if (type == descriptor::kEndpoint && length >= kEndpointLength) {
      add_endpoint(current, d);
    } else if (type == descriptor::kHid && length >= kHidLength && current &&
               d[6] == descriptor::kReport) {
      current->report_length = load_le<u16>(d + 7);
    }
    off += length;
  }
  if (c.interfaces.empty()) return fail(DescriptorError::NoInterface);
  return c;
}

libk::Optional<u16> first_language(Bytes b) {
  if (b.size() < 4 || b[0] < 4 || b[1] != descriptor::kString) return libk::nullopt;
  return load_le<u16>(b.data() + 2);
}

libk::Result<usize, DescriptorError> decode_string(Bytes b, char* out, usize capacity) {
  if (capacity == 0) return usize{0};
  out[0] = 0;
  if (b.size() < 2 || b[0] < 2) return fail(DescriptorError::TooShort);
  if (b[1] != descriptor::kString) return fail(DescriptorError::WrongType);
  usize units = (libk::min<usize>(b[0], b.size()) - 2) / 2;
  usize n = 0;
  for (usize i = 0; i < units; ++i) {
    u32 cp = load_le<u16>(b.data() + 2 + 2 * i);
    if (cp >= 0xD800 && cp <= 0xDBFF && i + 1 < units) {  // a surrogate pair
      u32 low = load_le<u16>(b.data() + 4 + 2 * i);
      if (low >= 0xDC00 && low <= 0xDFFF) {
        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        ++i;
      }
    }
    if (cp >= 0xD800 && cp <= 0xDFFF) cp = '?';
    char encoded[4];
    usize len = libk::encode_utf8(char32_t(cp), encoded);
    if (n + len >= capacity) break;
    for (usize k = 0; k < len; ++k) out[n++] = encoded[k];
  }
  out[n] = 0;
  return n;
}

libk::Result<HubDescriptor, DescriptorError> parse_hub(Bytes b, bool superspeed) {
  constexpr usize kMinimum = 7;  // length, type, ports, characteristics, power-on, current
  if (b.size() < kMinimum || b[0] < kMinimum) return fail(DescriptorError::TooShort);
  if (b[1] != (superspeed ? descriptor::kSuperSpeedHub : descriptor::kHub))
    return fail(DescriptorError::WrongType);
  return HubDescriptor{b[2], load_le<u16>(b.data() + 3), b[5]};
}

libk::Result<PortStatus, DescriptorError> parse_port_status(Bytes b) {
  if (b.size() < 4) return fail(DescriptorError::TooShort);
  return PortStatus{load_le<u16>(b.data()), load_le<u16>(b.data() + 2)};
}

u32 changed_ports(Bytes bitmap) {
  u32 bits = 0;
  for (usize i = 0; i < bitmap.size() && i < 4; ++i) bits |= u32(bitmap[i]) << (8 * i);
  return bits & ~u32{1};
}

usize port_change_features(const PortStatus& s, bool superspeed, u16 (&out)[kMaxPortChanges]) {
  // Change bit n of wPortChange and the feature that clears it.
  struct Change {
    u8 bit;
    u16 feature;
    bool superspeed_only;
  };
  constexpr Change kChanges[] = {
      {0, port_feature::kCConnection, false}, {1, port_feature::kCEnable, false},
      {2, port_feature::kCSuspend, false},    {3, port_feature::kCOverCurrent, false},
      {4, port_feature::kCReset, false},      {5, port_feature::kCBhReset, true},
      {6, port_feature::kCLinkState, true},   {7, port_feature::kCConfigError, true},
  };
  usize n = 0;
  for (const Change& c : kChanges)
    if (((s.change >> c.bit) & 1) && (superspeed || !c.superspeed_only)) out[n++] = c.feature;
  return n;
}

}  // namespace usb
