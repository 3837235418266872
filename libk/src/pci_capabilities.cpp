// PCI capability lists and the MSI / MSI-X capabilities (libk/pci.hpp).
#include <libk/pci.hpp>

namespace libk::pci {

namespace {

constexpr u16 kFirstStandard = 0x40;  // capabilities live after the 64-byte header
constexpr u8 kPointerMask = 0xFC;     // the low two pointer bits are reserved (PCI 3.0 §6.7)

// A set of dword offsets in the configuration space, for loop detection.
class Visited {
 public:
  // False if `off` was already in the set.
  bool insert(u16 off) {
    u32 i = off / 4;
    u64 bit = u64{1} << (i % 64);
    if (words_[i / 64] & bit) return false;
    words_[i / 64] |= bit;
    return true;
  }

 private:
  u64 words_[kExtendedConfigSize / 4 / 64] = {};
};

CapabilityProblem walk_standard(Bytes config, CapabilityList& out) {
  Visited seen;
  u16 limit = u16(min<usize>(config.size(), kLegacyConfigSize));
  u16 off = config[offset::kCapabilities] & kPointerMask;
  while (off != 0) {
    if (off < kFirstStandard) return CapabilityProblem::PointerIntoHeader;
    if (off + 2 > limit) return CapabilityProblem::PointerPastEnd;
    if (!seen.insert(off)) return CapabilityProblem::Loop;
    if (!out.standard.push_back({config[off], off})) return CapabilityProblem::TooMany;
    off = config[off + 1] & kPointerMask;
  }
  return CapabilityProblem::None;
}

// PCI Express Base 4.0 §7.6.3: the extended capability header at 0x100 and after; a header
// of 0 (or all ones) at 0x100 means there are none.
CapabilityProblem walk_extended(Bytes config, CapabilityList& out) {
  Visited seen;
  u16 off = offset::kExtendedCapabilities;
  for (bool first = true; off != 0; first = false) {
    if (off < offset::kExtendedCapabilities) return CapabilityProblem::PointerIntoHeader;
    if (off + 4 > config.size()) return CapabilityProblem::PointerPastEnd;
    u32 header = load_le<u32>(config.data() + off);
    if (first && (header == 0 || header == ~u32{0})) return CapabilityProblem::None;
    if (!seen.insert(off)) return CapabilityProblem::Loop;
    if (!out.extended.push_back({u16(header & 0xFFFF), u8((header >> 16) & 0xF), off}))
      return CapabilityProblem::TooMany;
    off = u16((header >> 20) & 0xFFC);
  }
  return CapabilityProblem::None;
}

}  // namespace

StringView capability_problem_text(CapabilityProblem p) {
  switch (p) {
    case CapabilityProblem::None: return "none";
    case CapabilityProblem::PointerIntoHeader: return "a capability pointer points into the header";
    case CapabilityProblem::PointerPastEnd: return "a capability runs past the configuration space";
    case CapabilityProblem::Loop: return "the capability list loops";
    case CapabilityProblem::TooMany: return "more capabilities than Ember keeps";
  }
  return "unknown problem";
}

Optional<u16> CapabilityList::find(u8 id) const {
  for (const Capability& c : standard)
    if (c.id == id) return c.offset;
  return nullopt;
}

CapabilityList parse_capabilities(Bytes config) {
  CapabilityList list;
  if (config.size() < kFirstStandard) return list;
  if (load_le<u16>(config.data() + offset::kStatus) & kStatusCapabilityList)
    list.standard_problem = walk_standard(config, list);
  if (config.size() >= kExtendedConfigSize && list.pci_express())
    list.extended_problem = walk_extended(config, list);
  return list;
}

const char* capability_name(u8 id) {
  switch (id) {
    case 0x01: return "power management";
    case 0x02: return "AGP";
    case 0x03: return "vital product data";
    case 0x04: return "slot identification";
    case 0x05: return "MSI";
    case 0x06: return "CompactPCI hot swap";
    case 0x07: return "PCI-X";
    case 0x08: return "HyperTransport";
    case 0x09: return "vendor specific";
    case 0x0A: return "debug port";
    case 0x0B: return "CompactPCI resource control";
    case 0x0C: return "PCI hot-plug";
    case 0x0D: return "bridge subsystem vendor";
    case 0x0E: return "AGP 8x";
    case 0x0F: return "secure device";
    case 0x10: return "PCI Express";
    case 0x11: return "MSI-X";
    case 0x12: return "SATA configuration";
    case 0x13: return "advanced features";
    case 0x14: return "enhanced allocation";
    case 0x15: return "flattening portal bridge";
  }
  return nullptr;
}

const char* extended_capability_name(u16 id) {
  switch (id) {
    case 0x0001: return "advanced error reporting";
    case 0x0002: return "virtual channel";
    case 0x0003: return "device serial number";
    case 0x0004: return "power budgeting";
    case 0x000B: return "vendor specific";
    case 0x000D: return "access control services";
    case 0x000E: return "alternative routing-ID";
    case 0x0010: return "SR-IOV";
    case 0x0015: return "resizable BAR";
    case 0x0018: return "latency tolerance reporting";
    case 0x0019: return "secondary PCI Express";
    case 0x001E: return "L1 PM substates";
  }
  return nullptr;
}

Result<MsiInfo, ConfigError> parse_msi(Bytes config, u16 off) {
  if (!config.contains_range(off, 4) || off >= kLegacyConfigSize)
    return Unexpected<ConfigError>{ConfigError::BadCapability};
  u16 control = load_le<u16>(config.data() + off + 2);
  MsiInfo msi{};
  msi.offset = off;
  msi.address64 = (control & (1 << 7)) != 0;
  msi.per_vector_mask = (control & (1 << 8)) != 0;
  msi.vectors_log2 = (control >> 1) & 7;
  if (msi.vectors_log2 > 5) return Unexpected<ConfigError>{ConfigError::BadCapability};
  msi.data_offset = msi.address64 ? 0x0C : 0x08;
  msi.mask_offset = msi.address64 ? 0x10 : 0x0C;
  u16 length = msi.per_vector_mask ? u16(msi.mask_offset + 8) : u16(msi.data_offset + 2);
  if (off + length > kLegacyConfigSize || !config.contains_range(off, length))
    return Unexpected<ConfigError>{ConfigError::BadCapability};
  return msi;
}

Result<MsixInfo, ConfigError> parse_msix(Bytes config, u16 off) {
  constexpr u16 kLength = 12;
  if (off + kLength > kLegacyConfigSize || !config.contains_range(off, kLength))
    return Unexpected<ConfigError>{ConfigError::BadCapability};
  u16 control = load_le<u16>(config.data() + off + 2);
  u32 table = load_le<u32>(config.data() + off + 4);
  u32 pba = load_le<u32>(config.data() + off + 8);
  MsixInfo m{};
  m.offset = off;
  m.table_size = u16((control & 0x7FF) + 1);
  m.table_bar = u8(table & 7);
  m.table_offset = table & ~u32{7};
  m.pba_bar = u8(pba & 7);
  m.pba_offset = pba & ~u32{7};
  if (m.table_bar > 5 || m.pba_bar > 5) return Unexpected<ConfigError>{ConfigError::BadCapability};
  return m;
}

namespace {

bool range_in_bar(Span<const Bar> bars, u8 index, u64 offset, u64 length) {
  if (index >= bars.size()) return false;
  const Bar& b = bars[index];
  if (b.kind != BarKind::Memory32 && b.kind != BarKind::Memory64) return false;
  return offset <= b.size && length <= b.size - offset;
}

}  // namespace

bool msix_fits(const MsixInfo& m, Span<const Bar> bars) {
  u64 pba_bytes = (u64(m.table_size) + 63) / 64 * 8;
  return range_in_bar(bars, m.table_bar, m.table_offset, u64(m.table_size) * kMsixEntrySize) &&
         range_in_bar(bars, m.pba_bar, m.pba_offset, pba_bytes);
}

}  // namespace libk::pci
