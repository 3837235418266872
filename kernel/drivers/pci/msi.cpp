#include "drivers/pci/msi.hpp"

#include <hal/msi.hpp>
#include <hal/pci.hpp>

#include "drivers/pci/pci_access.hpp"
#include "log.hpp"

namespace kernel::pci {

namespace {

volatile u8* msix_table(Device& d) {
  volatile void* bar = map_bar(d, d.msix->table_bar);
  return bar ? static_cast<volatile u8*>(bar) + d.msix->table_offset : nullptr;
}

}  // namespace

const char* msi_error_text(MsiError e) {
  switch (e) {
    case MsiError::NotOffered: return "the function offers neither MSI-X nor MSI";
    case MsiError::NoVector: return "no free interrupt vector";
    case MsiError::TableUnmapped: return "the MSI-X table cannot be mapped";
    case MsiError::NoDestination: return "the boot CPU's APIC ID does not fit an MSI address";
  }
  return "?";
}

libk::Result<u8, MsiError> enable_interrupt(Device& d, interrupts::ContextHandler handler,
                                            void* context) {
  if (!d.msix && !d.msi) return libk::unexpected(MsiError::NotOffered);
  volatile u8* table = d.msix ? msix_table(d) : nullptr;
  if (d.msix && !table) return libk::unexpected(MsiError::TableUnmapped);
  auto destination = interrupts::msi_destination();
  if (!destination) return libk::unexpected(MsiError::NoDestination);
  auto vector = interrupts::allocate_vectors(1, handler, context);
  if (!vector) return libk::unexpected(MsiError::NoVector);
  hal::pci::MsiMessage message = hal::msi::compose(*destination, *vector);
  detail::with_config([&](hal::pci::ConfigAccess& access) {
    if (d.msix) {
      hal::pci::enable_msix(access, d.address, *d.msix, table);
      hal::pci::program_msix_entry(table, 0, message, false);
    } else {
      hal::pci::enable_msi(access, d.address, *d.msi, message);
    }
  });
  d.interrupt_mode = d.msix ? InterruptMode::Msix : InterruptMode::Msi;
  d.first_vector = *vector;
  d.vector_count = 1;
  d.destination = *destination;
  return *vector;
}

void disable_interrupt(Device& d) {
  if (d.interrupt_mode == InterruptMode::None) return;
  detail::with_config([&](hal::pci::ConfigAccess& access) {
    if (d.interrupt_mode == InterruptMode::Msix)
      hal::pci::disable_msix(access, d.address, *d.msix);
    else
      hal::pci::disable_msi(access, d.address, *d.msi);
  });
  interrupts::free_vectors(d.first_vector, u8(d.vector_count));
  d.interrupt_mode = InterruptMode::None;
  d.first_vector = 0;
  d.vector_count = 0;
}

void mask_interrupt(Device& d, bool masked) {
  // The message enable_interrupt() composed: the same CPU, whichever CPU masks.
  hal::pci::MsiMessage message = hal::msi::compose(d.destination, d.first_vector);
  detail::with_config([&](hal::pci::ConfigAccess& access) {
    if (d.interrupt_mode == InterruptMode::Msix)
      hal::pci::set_msix_function_mask(access, d.address, *d.msix, masked);
    else if (d.interrupt_mode == InterruptMode::Msi && masked)
      hal::pci::disable_msi(access, d.address, *d.msi);
    else if (d.interrupt_mode == InterruptMode::Msi)
      hal::pci::enable_msi(access, d.address, *d.msi, message);
  });
}

}  // namespace kernel::pci
