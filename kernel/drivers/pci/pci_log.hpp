// How PCI functions are described in the log and by lspci: one line per function with its
// address, IDs, class and names (docs/pci.md).
#pragma once

#include <libk/format.hpp>

#include "drivers/pci/pci.hpp"

namespace kernel::pci {

// "0000:00:1f.2 8086:2922 [0106] SATA controller: Intel Corporation 82801IR/IO/IH ...".
void describe(libk::Sink& out, const Device& d);
// One BAR: "BAR 0: memory at 0xfebf0000 (32-bit, 16 KiB)", or nothing for an unused one.
void describe_bar(libk::Sink& out, const Device& d, u8 index);

// Logs `d` at info level (its BARs at debug level).
void log_function(const Device& d);

}  // namespace kernel::pci
