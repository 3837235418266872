// How PCI functions are described in the log and by lspci (docs/pci.md), with names from the
// PCI ID tables (kernel/ids).
#pragma once

#include <libk/format.hpp>

#include "drivers/pci/pci.hpp"

namespace kernel::pci {

// "0000:00:02.0 USB controller [0c03]: Red Hat, Inc. QEMU XHCI Host Controller [1b36:000d]".
void describe(libk::Sink& out, const Device& d);
// One BAR: "BAR 0: memory, 64-bit at 0xe000000000 (16 KiB)"; nothing for an unused one.
void describe_bar(libk::Sink& out, const Device& d, u8 index);
// "interrupts: MSI-X, 1 vector from 0x40" or "interrupts: none (MSI-X, MSI offered)".
void describe_interrupts(libk::Sink& out, const Device& d);
// The standard and extended capabilities, one per line, indented by `indent`.
void describe_capabilities(libk::Sink& out, const Device& d, libk::StringView indent);

// Logs `d` and its BARs at debug level (a PC has dozens of functions: `lspci` lists them).
void log_function(const Device& d);

}  // namespace kernel::pci
