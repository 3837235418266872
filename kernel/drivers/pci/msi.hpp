// Message-signalled interrupts for PCI functions: a vector from kernel/interrupts' device
// range, aimed at interrupts::msi_destination(), programmed into the function's MSI-X table
// (preferred: per-vector masking, any vector count) or its MSI capability (docs/pci.md).
//
// Context: thread (a driver's attach or detach); the handler runs in interrupt context.
#pragma once

#include <libk/result.hpp>

#include "drivers/pci/pci.hpp"
#include "interrupts.hpp"

namespace kernel::pci {

enum class MsiError : u8 {
  NotOffered,     // the function has neither MSI-X nor MSI
  NoVector,       // the device vector range is exhausted
  TableUnmapped,  // the MSI-X table's BAR could not be mapped
  NoDestination,  // the boot CPU's APIC ID does not fit a message address
};
const char* msi_error_text(MsiError e);

// Routes the function's first message (MSI-X entry 0, or MSI with one vector) to a new
// vector calling `handler(context)`, enables it and disables INTx. Returns the vector.
libk::Result<u8, MsiError> enable_interrupt(Device& device, interrupts::ContextHandler handler,
                                            void* context);

// Disables MSI-X/MSI and frees the vector. Nothing happens if none was enabled.
void disable_interrupt(Device& device);

// Masks or unmasks the function's interrupt (MSI-X: the function mask; MSI has no mask
// without per-vector masking, so it is disabled and re-enabled).
void mask_interrupt(Device& device, bool masked);

}  // namespace kernel::pci
