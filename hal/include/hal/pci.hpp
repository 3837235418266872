// PCI configuration-space access and the registers Ember programs there (PCI Local Bus
// Specification 3.0; PCI Express Base Specification 4.0 §7.2.2 for ECAM). Two access
// mechanisms behind one interface:
//   - EcamConfigAccess: memory-mapped, 4 KiB per function, from the ACPI MCFG table;
//   - PortConfigAccess: configuration mechanism #1, the 0xCF8 address / 0xCFC data ports
//     (PCI 3.0 §3.2.2.3.2), 256 bytes per function, on machines without ECAM (`pc`).
// The logic built on it (BAR sizing, MSI and MSI-X programming) takes a ConfigAccess, so it
// runs on the host against a fake configuration space.
//
// Context: callers serialise all accesses (the port mechanism is an address/data pair; BAR
// sizing briefly changes a BAR): kernel/drivers/pci holds one lock around them.
#pragma once

#include <hal/bit_register.hpp>
#include <libk/acpi_mcfg.hpp>
#include <libk/pci.hpp>

namespace hal::pci {

using libk::pci::Address;

class ConfigAccess {
 public:
  // 32-bit accesses at a dword-aligned `offset` below size(). Absent functions read all ones.
  virtual u32 read32(Address a, u16 offset) = 0;
  virtual void write32(Address a, u16 offset, u32 value) = 0;
  // Bytes of configuration space per function this mechanism reaches (256 or 4096).
  virtual u16 size() const = 0;
  // True if the mechanism reaches `a` at all (its segment and bus).
  virtual bool reaches(Address a) const = 0;

  u16 read16(Address a, u16 offset);
  u8 read8(Address a, u16 offset);
  // Read-modify-write of the dword holding the field.
  void write16(Address a, u16 offset, u16 value);

 protected:
  ~ConfigAccess() = default;
};

// The 0xCF8 address register — PCI 3.0 §3.2.2.3.2, Figure 3-2.
class ConfigAddress : public detail::BitRegister<ConfigAddress> {
 public:
  using BitRegister::BitRegister;
  HAL_FIELD(u8, 7, 2, dword);
  HAL_FIELD(u8, 10, 8, function);
  HAL_FIELD(u8, 15, 11, device);
  HAL_FIELD(u8, 23, 16, bus);
  HAL_BIT(31, enable);
};

class PortConfigAccess final : public ConfigAccess {
 public:
  u32 read32(Address a, u16 offset) override;
  void write32(Address a, u16 offset, u32 value) override;
  u16 size() const override { return libk::pci::kLegacyConfigSize; }
  bool reaches(Address a) const override { return a.segment == 0; }

  // True if the mechanism answers: the address register keeps the enable bit written to it.
  static bool present();
};

// ECAM windows, mapped by the caller (hal::mmio::map) for each MCFG entry.
class EcamConfigAccess final : public ConfigAccess {
 public:
  static constexpr usize kMaxWindows = libk::acpi::kMaxMcfgEntries;
  struct Window {
    libk::acpi::McfgEntry entry;
    volatile u8* base;  // virtual address of the configuration space of entry.start_bus
  };

  // False when full.
  [[nodiscard]] bool add_window(const libk::acpi::McfgEntry& entry, volatile void* start_bus_base);
  bool empty() const { return count_ == 0; }

  u32 read32(Address a, u16 offset) override;
  void write32(Address a, u16 offset, u32 value) override;
  u16 size() const override { return libk::pci::kExtendedConfigSize; }
  bool reaches(Address a) const override { return function_base(a) != nullptr; }

 private:
  volatile u8* function_base(Address a) const;

  Window windows_[kMaxWindows] = {};
  usize count_ = 0;
};

// The command register — PCI 3.0 §6.2.2, Figure 6-2.
class Command : public detail::BitRegister<Command> {
 public:
  using BitRegister::BitRegister;
  HAL_BIT(0, io_space);
  HAL_BIT(1, memory_space);
  HAL_BIT(2, bus_master);
  HAL_BIT(10, interrupt_disable);
};

// Reads a BAR's value and size mask: writes all ones, reads back, restores, with I/O and
// memory decoding turned off meanwhile so the device never answers at the probe address.
// For the low half of a 64-bit BAR the upper half is probed too. `index` 0-5.
libk::pci::BarProbe probe_bar(ConfigAccess& access, Address a, u8 index);

// Turns bus mastering and memory/I-O decoding on, and legacy INTx off when `no_intx`.
void enable_device(ConfigAccess& access, Address a, bool memory, bool io, bool no_intx);

// ---- Message signalled interrupts ----

// MSI message control — PCI 3.0 §6.8.1.3, Figure 6-9.
class MsiControl : public detail::BitRegister<MsiControl> {
 public:
  using BitRegister::BitRegister;
  HAL_BIT(0, enable);
  HAL_FIELD(u8, 3, 1, multiple_message_capable);
  HAL_FIELD(u8, 6, 4, multiple_message_enable);
  HAL_BIT(7, address_64);
  HAL_BIT(8, per_vector_masking);
};

// MSI-X message control — PCI 3.0 §6.8.2.3, Figure 6-11.
class MsixControl : public detail::BitRegister<MsixControl> {
 public:
  using BitRegister::BitRegister;
  HAL_FIELD(u16, 10, 0, table_size_minus_one);
  HAL_BIT(14, function_mask);
  HAL_BIT(15, enable);
};

// MSI-X table entry vector control — PCI 3.0 §6.8.2.9.
class MsixVectorControl : public detail::BitRegister<MsixVectorControl> {
 public:
  using BitRegister::BitRegister;
  HAL_BIT(0, masked);
};

// What a device writes to signal an interrupt (hal/msi.hpp composes it for the APIC).
struct MsiMessage {
  u64 address;
  u32 data;
};

// Programs and enables MSI with one vector (Multiple Message Enable 0); INTx is disabled.
void enable_msi(ConfigAccess& access, Address a, const libk::pci::MsiInfo& msi, MsiMessage m);
void disable_msi(ConfigAccess& access, Address a, const libk::pci::MsiInfo& msi);

// MSI-X: enable with every vector masked by the function mask, program entries, then unmask.
// `table` is the mapped MSI-X table (libk::pci::MsixInfo names its BAR and offset).
void enable_msix(ConfigAccess& access, Address a, const libk::pci::MsixInfo& msix,
                 volatile void* table);
void program_msix_entry(volatile void* table, u16 index, MsiMessage m, bool masked);
void set_msix_function_mask(ConfigAccess& access, Address a, const libk::pci::MsixInfo& msix,
                            bool masked);
void disable_msix(ConfigAccess& access, Address a, const libk::pci::MsixInfo& msix);

}  // namespace hal::pci
