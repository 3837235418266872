// PCI configuration header and BAR decoding (libk/pci.hpp).
#include <libk/pci.hpp>

namespace libk::pci {

namespace {

constexpr u16 kHeaderSize = 64;
constexpr u8 kLayoutMask = 0x7F;  // header type bits 6:0: the layout

template <typename T>
T at(Bytes config, u16 off) {
  return load_le<T>(config.data() + off);
}

// Bits of a probed mask that hold address bits: writable, above the type bits.
u64 lowest_set_bit(u64 v) { return v & (~v + 1); }

}  // namespace

StringView config_error_text(ConfigError e) {
  switch (e) {
    case ConfigError::TooShort: return "configuration space shorter than its header";
    case ConfigError::NoFunction: return "no function at this address";
    case ConfigError::UnknownHeaderType: return "unknown header type";
    case ConfigError::BadCapability: return "malformed capability";
  }
  return "unknown error";
}

Result<Header, ConfigError> parse_header(Bytes config) {
  if (config.size() < kHeaderSize) return Unexpected<ConfigError>{ConfigError::TooShort};
  Header h;
  h.vendor = at<u16>(config, offset::kVendorId);
  if (h.vendor == kNoVendor) return Unexpected<ConfigError>{ConfigError::NoFunction};
  h.device = at<u16>(config, offset::kDeviceId);
  h.command = at<u16>(config, offset::kCommand);
  h.status = at<u16>(config, offset::kStatus);
  h.revision = config[offset::kRevision];
  h.prog_if = config[offset::kProgIf];
  h.subclass = config[offset::kSubclass];
  h.class_code = config[offset::kClass];
  u8 type = config[offset::kHeaderType];
  h.multifunction = is_multifunction(type);
  h.interrupt_line = config[offset::kInterruptLine];
  h.interrupt_pin = config[offset::kInterruptPin];
  switch (type & kLayoutMask) {
    case 0:
      h.kind = HeaderKind::Device;
      h.bar_count = 6;
      h.subsystem_vendor = at<u16>(config, offset::kSubsystemVendor);
      h.subsystem = at<u16>(config, offset::kSubsystemId);
      break;
    case 1:
      h.kind = HeaderKind::Bridge;
      h.bar_count = 2;
      h.secondary_bus = config[offset::kSecondaryBus];
      h.subordinate_bus = config[offset::kSubordinateBus];
      break;
    case 2: h.kind = HeaderKind::CardBus; break;
    default: return Unexpected<ConfigError>{ConfigError::UnknownHeaderType};
  }
  return h;
}

Bar decode_bar(const BarProbe& p) {
  Bar bar;
  if (p.value & 1) {  // I/O space: bits 31:2 are the address
    u64 mask = p.mask & ~u32{3};
    // A BAR that decodes only 16 address bits reads its upper half back as 0 (PCI 3.0
    // §6.2.5.1): those bits are not size bits.
    if ((mask >> 16) == 0 && mask != 0) mask |= 0xFFFF'0000;
    if (mask == 0) return bar;
    bar.kind = BarKind::Io;
    bar.address = p.value & ~u32{3};
    bar.size = lowest_set_bit(mask);
    return bar;
  }
  u8 type = (p.value >> 1) & 3;
  if (type == 1 || type == 3) return bar;  // reserved encodings
  u64 mask = p.mask & ~u32{0xF};
  u64 address = p.value & ~u32{0xF};
  if (type == 2) {
    mask |= u64(p.upper_mask) << 32;
    address |= u64(p.upper_value) << 32;
  }
  if (mask == 0) return bar;
  bar.kind = type == 2 ? BarKind::Memory64 : BarKind::Memory32;
  bar.prefetchable = (p.value & 8) != 0;
  bar.address = address;
  bar.size = lowest_set_bit(mask);
  return bar;
}

}  // namespace libk::pci

namespace libk {

void Formatter<pci::Address>::format(Sink& s, const pci::Address& a, const FormatSpec&) {
  format_to(s, "{:04x}:{:02x}:{:02x}.{:x}", a.segment, a.bus, a.device, a.function);
}

}  // namespace libk
