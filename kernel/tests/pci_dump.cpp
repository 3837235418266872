// `test=pci.dump`: prints every PCI function's configuration space as hex on serial, for
// tools/capture_devices.py, which turns them into the host tests' data (tests/data/pci/).
// Functions without a PCI Express capability print their first 256 bytes only (the rest
// is not theirs). A manual test: it checks nothing beyond finding functions.
//
//   PCI-DUMP FUNCTION <segment:bus:device.function> <length>
//   PCI-DUMP DATA <up to 32 bytes as hex>
//   PCI-DUMP END
#include "drivers/pci/pci.hpp"
#include "ktest.hpp"
#include "log.hpp"
#include "memory/heap.hpp"

namespace kernel {

namespace {

void dump(const pci::Device& d, libk::Bytes bytes) {
  libk::Sink& out = log::serial();
  libk::format_to(out, "PCI-DUMP FUNCTION {} {}\n", d.address, bytes.size());
  for (usize line = 0; line < bytes.size(); line += 32) {
    out.write("PCI-DUMP DATA ");
    for (usize i = line; i < bytes.size() && i < line + 32; ++i)
      libk::format_to(out, "{:02x}", bytes[i]);
    out.write("\n");
  }
}

}  // namespace

KTEST_MANUAL("pci.dump") {
  auto* buffer = static_cast<u8*>(kmalloc(libk::pci::kExtendedConfigSize));
  if (!KEXPECT(buffer != nullptr)) return;
  for (const pci::Device& d : pci::devices()) {
    usize n = pci::snapshot(d.address, {buffer, libk::pci::kExtendedConfigSize});
    if (!d.capabilities.pci_express() && n > libk::pci::kLegacyConfigSize)
      n = libk::pci::kLegacyConfigSize;
    KEXPECT(n > 0);
    dump(d, {buffer, n});
  }
  log::serial().write("PCI-DUMP END\n");
  kfree(buffer);
  KEXPECT(!pci::devices().empty());
}

}  // namespace kernel
