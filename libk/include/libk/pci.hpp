// PCI configuration space, decoded (PCI Local Bus Specification 3.0 chapter 6; PCI Express
// Base Specification 4.0 §7.5-7.9 for the extended space). Pure logic over a snapshot of a
// function's configuration bytes (256 of them, or 4096 through ECAM) that the kernel reads
// through hal and hands here: every field comes from a device and is untrusted, so each read
// is bounds-checked, capability lists are walked with loop and bounds detection, and a
// problem is an error value, never a hang.
#pragma once

#include <libk/fixed_vector.hpp>
#include <libk/format.hpp>
#include <libk/optional.hpp>
#include <libk/result.hpp>
#include <libk/span.hpp>

namespace libk::pci {

// segment:bus:device.function.
struct Address {
  u16 segment = 0;
  u8 bus = 0;
  u8 device = 0;    // 0-31
  u8 function = 0;  // 0-7
  constexpr bool operator==(const Address&) const = default;
};

inline constexpr u16 kLegacyConfigSize = 256;     // what the 0xCF8/0xCFC mechanism reaches
inline constexpr u16 kExtendedConfigSize = 4096;  // PCI Express, through ECAM
inline constexpr u16 kNoVendor = 0xFFFF;          // what an absent function reads as

// Type 0/1 header offsets (PCI 3.0 §6.1, Figures 6-1 and the PCI-to-PCI Bridge Architecture
// Specification 1.2 §3.2).
namespace offset {
inline constexpr u16 kVendorId = 0x00;
inline constexpr u16 kDeviceId = 0x02;
inline constexpr u16 kCommand = 0x04;
inline constexpr u16 kStatus = 0x06;
inline constexpr u16 kRevision = 0x08;
inline constexpr u16 kProgIf = 0x09;
inline constexpr u16 kSubclass = 0x0A;
inline constexpr u16 kClass = 0x0B;
inline constexpr u16 kHeaderType = 0x0E;
inline constexpr u16 kBar0 = 0x10;
inline constexpr u16 kPrimaryBus = 0x18;  // type 1
inline constexpr u16 kSecondaryBus = 0x19;
inline constexpr u16 kSubordinateBus = 0x1A;
inline constexpr u16 kSubsystemVendor = 0x2C;  // type 0
inline constexpr u16 kSubsystemId = 0x2E;
inline constexpr u16 kCapabilities = 0x34;
inline constexpr u16 kInterruptLine = 0x3C;
inline constexpr u16 kInterruptPin = 0x3D;
inline constexpr u16 kExtendedCapabilities = 0x100;
}  // namespace offset

inline constexpr u16 kStatusCapabilityList = 1 << 4;  // Status bit 4 (PCI 3.0 §6.2.3)

// Header type bit 7: the device has functions 1-7 too (PCI 3.0 §6.2.1).
constexpr bool is_multifunction(u8 header_type) { return (header_type & 0x80) != 0; }

enum class HeaderKind : u8 { Device = 0, Bridge = 1, CardBus = 2 };

struct Header {
  u16 vendor = 0, device = 0;
  u16 command = 0, status = 0;
  u8 revision = 0, prog_if = 0, subclass = 0, class_code = 0;
  HeaderKind kind = HeaderKind::Device;
  bool multifunction = false;
  u16 subsystem_vendor = 0, subsystem = 0;    // type 0 only
  u8 secondary_bus = 0, subordinate_bus = 0;  // type 1 only
  u8 interrupt_line = 0, interrupt_pin = 0;   // pin: 0 none, 1-4 INTA#-INTD#
  u8 bar_count = 0;                           // 6 (type 0), 2 (type 1), 0 (CardBus)
};

enum class ConfigError : u8 {
  TooShort,           // fewer bytes than the header (64)
  NoFunction,         // vendor ID 0xFFFF: nothing answers at this address
  UnknownHeaderType,  // header layout other than 0, 1, 2
  BadCapability,      // an MSI/MSI-X capability that does not fit the space or is malformed
};
StringView config_error_text(ConfigError e);

// Decodes the header of a function's configuration space (at least 64 bytes).
Result<Header, ConfigError> parse_header(Bytes config);

// ---- Capabilities ----

// Standard capability IDs (PCI Code and ID Assignment Specification 1.11, §2).
namespace cap {
inline constexpr u8 kPowerManagement = 0x01;
inline constexpr u8 kMsi = 0x05;
inline constexpr u8 kVendorSpecific = 0x09;
inline constexpr u8 kPciExpress = 0x10;
inline constexpr u8 kMsix = 0x11;
}  // namespace cap

struct Capability {
  u8 id;
  u16 offset;
};
struct ExtendedCapability {
  u16 id;
  u8 version;
  u16 offset;
};

// Why a capability walk stopped early. The capabilities before the problem are kept.
enum class CapabilityProblem : u8 {
  None,
  PointerIntoHeader,  // a pointer below 0x40 (standard) or 0x100 (extended) that is not 0
  PointerPastEnd,     // the capability would run past the configuration space
  Loop,               // a pointer to a capability already visited
  TooMany,            // more than the list holds
};
StringView capability_problem_text(CapabilityProblem p);

inline constexpr usize kMaxCapabilities = 48;  // (256 - 64) / 4: a list longer than this loops
inline constexpr usize kMaxExtendedCapabilities = 64;

struct CapabilityList {
  FixedVector<Capability, kMaxCapabilities> standard;
  FixedVector<ExtendedCapability, kMaxExtendedCapabilities> extended;
  CapabilityProblem standard_problem = CapabilityProblem::None;
  CapabilityProblem extended_problem = CapabilityProblem::None;

  Optional<u16> find(u8 id) const;
  bool pci_express() const { return find(cap::kPciExpress).has_value(); }
};

// Walks the standard list (if Status says there is one) and, when `config` holds the
// extended space (4096 bytes) and the function is PCI Express, the extended list.
CapabilityList parse_capabilities(Bytes config);

// "MSI", "PCI Express", ... ("vendor specific", or nullptr for an unknown ID).
const char* capability_name(u8 id);
const char* extended_capability_name(u16 id);

// MSI capability (PCI 3.0 §6.8.1, Figures 6-9 to 6-12).
struct MsiInfo {
  u16 offset;
  bool address64;        // message address upper dword present
  bool per_vector_mask;  // mask and pending registers present
  u8 vectors_log2;       // Multiple Message Capable: up to 2^n vectors (n <= 5)
  u16 data_offset;       // of the message data register, from the capability
  u16 mask_offset;       // of the mask bits register (when per_vector_mask)
};
Result<MsiInfo, ConfigError> parse_msi(Bytes config, u16 offset);

// MSI-X capability (PCI 3.0 §6.8.2, Figure 6-10).
struct MsixInfo {
  u16 offset;
  u16 table_size;  // entries (1-2048)
  u8 table_bar;    // BAR index (BIR) holding the table
  u32 table_offset;
  u8 pba_bar;
  u32 pba_offset;
};
inline constexpr u32 kMsixEntrySize = 16;  // PCI 3.0 §6.8.2.6-9
Result<MsixInfo, ConfigError> parse_msix(Bytes config, u16 offset);

// ---- Base address registers (PCI 3.0 §6.2.5.1) ----

enum class BarKind : u8 { Unused, Io, Memory32, Memory64 };

// What sizing a BAR read: its value, and what it read back after all ones were written
// (for a 64-bit BAR also the upper dword's pair). hal::pci::probe_bar does the writes.
struct BarProbe {
  u32 value = 0;
  u32 mask = 0;
  u32 upper_value = 0;
  u32 upper_mask = 0;
};

struct Bar {
  BarKind kind = BarKind::Unused;
  bool prefetchable = false;
  u64 address = 0;
  u64 size = 0;
};

// True if the BAR value says it is the low half of a 64-bit memory BAR (and so takes the
// next slot as its upper half).
constexpr bool is_64bit_bar(u32 value) { return (value & 1) == 0 && ((value >> 1) & 3) == 2; }

// Decodes a probed BAR. A BAR whose size mask reads back 0 is Unused; a reserved memory type
// (1 or 3) is Unused too.
Bar decode_bar(const BarProbe& probe);

// True if the MSI-X table and pending-bit array lie inside memory BARs of `bars`.
bool msix_fits(const MsixInfo& msix, Span<const Bar> bars);

}  // namespace libk::pci

namespace libk {
template <>
struct Formatter<pci::Address> {
  // "0000:00:1f.2".
  static void format(Sink& sink, const pci::Address& a, const FormatSpec& spec);
};
}  // namespace libk
