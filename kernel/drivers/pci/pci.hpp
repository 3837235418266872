// PCI: the functions found at boot, their configuration space, BARs and interrupt mode, and
// the drivers bound to them (docs/pci.md).
//
// Configuration space is reached through ECAM (the ACPI MCFG table's windows) or, without
// one, the 0xCF8/0xCFC ports (hal/pci.hpp); every access goes through one spinlock, "pci
// config", so the port mechanism's address/data pair and BAR sizing are never interleaved.
// The decoding is libk's (libk/pci.hpp); this file owns the device table.
//
// Context: init() and bind_drivers() in the boot sequence; the accessors in thread or
// interrupt context. Device records never move or go away once init() made them.
#pragma once

#include <libk/optional.hpp>
#include <libk/pci.hpp>
#include <libk/span.hpp>

namespace kernel::pci {

using libk::pci::Address;

enum class InterruptMode : u8 { None, Msi, Msix };
const char* interrupt_mode_name(InterruptMode mode);

struct Device {
  Address address;
  libk::pci::Header header;
  libk::pci::CapabilityList capabilities;
  libk::pci::Bar bars[6];
  libk::Optional<libk::pci::MsiInfo> msi;
  libk::Optional<libk::pci::MsixInfo> msix;
  // Set by the MSI code (msi.hpp) and the driver registry; read by lspci.
  InterruptMode interrupt_mode = InterruptMode::None;
  u8 first_vector = 0;
  u16 vector_count = 0;
  u8 destination = 0;             // the APIC ID the messages go to
  const char* driver = nullptr;   // the bound driver's name
  volatile void* mapped[6] = {};  // map_bar()'s mappings, made once
};

inline constexpr usize kMaxDevices = 64;

// Enumerates every bus reachable from the root buses, following bridges. Needs acpi::init()
// (the MCFG) and the kernel's page tables (ECAM windows above 4 GiB). Logs each function.
void init();

// "ECAM" or "ports", or nullptr when there is no configuration mechanism.
const char* mechanism();
libk::Span<Device> devices();
Device* find(Address address);

// Configuration-space access (under the "pci config" lock). Absent functions read all ones.
u32 read32(Address a, u16 offset);
u16 read16(Address a, u16 offset);
u8 read8(Address a, u16 offset);
void write32(Address a, u16 offset, u32 value);
// Copies the function's configuration space into `out`; returns the bytes copied (256 with
// the port mechanism, up to 4096 through ECAM), 0 if no function answers there.
usize snapshot(Address a, libk::MutableBytes out);
// The size of configuration space the active mechanism reaches.
u16 config_size();

// Turns on bus mastering and memory (and/or I/O) decoding.
void enable(const Device& device, bool memory, bool io);

// An uncached mapping of memory BAR `index` (its whole size), or nullptr if the BAR is not a
// memory BAR or cannot be mapped. Works anywhere in the physical address space. The mapping
// is made once and kept. Context: thread; one caller per device at a time (its driver).
volatile void* map_bar(Device& device, u8 index);

}  // namespace kernel::pci
