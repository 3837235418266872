// libFuzzer harness for the PCI configuration-space parser (libk/pci.hpp).
//
// Input: one function's configuration space (any length; 256 or 4096 bytes are what the
// kernel reads). The header, both capability lists, every MSI / MSI-X capability found and
// every BAR slot (as value and as size mask) are parsed. Seeds: the functions of QEMU's q35
// machine (tests/data/pci/q35/, captured by tools/capture_devices.py).
#include <libk/pci.hpp>

extern "C" int LLVMFuzzerTestOneInput(const u8* data, size_t size) {
  libk::Bytes config(data, size);
  auto header = libk::pci::parse_header(config);
  libk::pci::CapabilityList caps = libk::pci::parse_capabilities(config);
  libk::pci::Bar bars[6] = {};
  for (u16 i = 0; i < 6 && size >= 0x28; ++i) {
    u32 value = libk::load_le<u32>(data + 0x10 + 4 * i);
    u32 upper = i < 5 ? libk::load_le<u32>(data + 0x14 + 4 * i) : 0;
    bars[i] = libk::pci::decode_bar({value, ~value, upper, ~upper});
  }
  for (const libk::pci::Capability& c : caps.standard) {
    (void)libk::pci::capability_name(c.id);
    if (c.id == libk::pci::cap::kMsi) (void)libk::pci::parse_msi(config, c.offset);
    if (c.id == libk::pci::cap::kMsix) {
      auto msix = libk::pci::parse_msix(config, c.offset);
      if (msix) (void)libk::pci::msix_fits(msix.value(), bars);
    }
  }
  for (const libk::pci::ExtendedCapability& c : caps.extended)
    (void)libk::pci::extended_capability_name(c.id);
  (void)header;
  return 0;
}
