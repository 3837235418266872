// The PCI and USB name tables, generated at build time from Debian's pci.ids and usb.ids by
// tools/ids2cpp.py (kernel/ids/meson.build states the size budget; docs/pci.md the choices).
// Linked into the kernel and the host tests.
#pragma once

#include <libk/ids.hpp>

namespace libk::ids::generated {

extern const Table kPciIds;
extern const Table kUsbIds;
// The bytes the tables take in the kernel image (names, IDs, indexes, the dictionary).
u64 table_bytes();

}  // namespace libk::ids::generated
