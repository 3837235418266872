// PCI enumeration and configuration access on the machine Ember booted on (any QEMU shape):
// the table holds what the bus has, both access mechanisms agree, BARs map.
#include <hal/interrupts.hpp>
#include <hal/mmio.hpp>
#include <hal/pci.hpp>

#include "drivers/pci/pci.hpp"
#include "ktest.hpp"
#include "memory/heap.hpp"

namespace kernel {

namespace {

using libk::pci::BarKind;

bool is_memory(const libk::pci::Bar& bar) {
  return bar.kind == BarKind::Memory32 || bar.kind == BarKind::Memory64;
}

}  // namespace

KTEST("pci.enumeration.finds_the_host_bridge_at_00_00_0") {
  if (!KEXPECT(pci::mechanism() != nullptr)) return;
  const pci::Device* host = pci::find({0, 0, 0, 0});
  if (!KEXPECT(host != nullptr)) return;
  KEXPECT_EQ(host->header.class_code, 0x06);
  KEXPECT_EQ(host->header.subclass, 0x00);
  KEXPECT_EQ(host->header.vendor, 0x8086);
}

KTEST("pci.enumeration.records_each_function_once_in_address_order_per_bus") {
  auto devices = pci::devices();
  for (usize i = 0; i < devices.size(); ++i)
    for (usize j = i + 1; j < devices.size(); ++j)
      KEXPECT(!(devices[i].address == devices[j].address));
  for (usize i = 1; i < devices.size(); ++i) {
    const auto& a = devices[i - 1].address;
    const auto& b = devices[i].address;
    if (a.bus == b.bus) KEXPECT(a.device * 8 + a.function < b.device * 8 + b.function);
  }
}

// On q35 both mechanisms exist: the first 256 bytes of every function must read the same
// through ECAM and through the 0xCF8 ports.
KTEST("pci.config.ecam_and_ports_read_the_same_bytes") {
  if (pci::config_size() != libk::pci::kExtendedConfigSize) return;  // ports only
  if (!hal::pci::PortConfigAccess::present()) return;
  hal::pci::PortConfigAccess ports;
  for (const pci::Device& d : pci::devices()) {
    for (u16 off = 0; off < libk::pci::kLegacyConfigSize; off += 4) {
      u32 through_ecam = pci::read32(d.address, off);
      u32 through_ports;
      {
        hal::interrupts::Guard no_interrupts;  // nothing else uses the ports meanwhile
        through_ports = ports.read32(d.address, off);
      }
      if (!KEXPECT_EQ(through_ecam, through_ports)) return;
    }
  }
}

KTEST("pci.bars.every_assigned_memory_bar_maps_and_reads") {
  for (pci::Device& d : pci::devices()) {
    for (u8 i = 0; i < d.header.bar_count; ++i) {
      const libk::pci::Bar& bar = d.bars[i];
      if (!is_memory(bar) || bar.address == 0) continue;
      KEXPECT(libk::is_aligned(bar.address, bar.size));
      volatile void* regs = pci::map_bar(d, i);
      if (!KEXPECT(regs != nullptr)) continue;
      (void)hal::mmio::read32(regs, 0);     // reachable: no page fault
      KEXPECT(pci::map_bar(d, i) == regs);  // mapped once
    }
  }
}

KTEST("pci.config.snapshot_of_an_absent_function_is_empty") {
  u8 buffer[64];
  KEXPECT_EQ(pci::snapshot({0, 0, 31, 7}, buffer), 0u);
  KEXPECT_EQ(pci::snapshot({0, 0xFE, 0, 0}, buffer), 0u);
}

}  // namespace kernel
