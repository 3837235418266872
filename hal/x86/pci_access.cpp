// The two configuration-space access mechanisms (hal/pci.hpp).
#include <hal/cpu.hpp>
#include <hal/mmio.hpp>
#include <hal/pci.hpp>

namespace hal::pci {

namespace {

constexpr u16 kAddressPort = 0xCF8;  // PCI 3.0 §3.2.2.3.2
constexpr u16 kDataPort = 0xCFC;

using libk::pci::kLegacyConfigSize;

u32 port_address(Address a, u16 offset) {
  return u32(ConfigAddress(0)
                 .set_enable(true)
                 .set_bus(a.bus)
                 .set_device(a.device)
                 .set_function(a.function)
                 .set_dword(u8(offset / 4))
                 .raw());
}

bool port_reachable(Address a, u16 offset) {
  return a.segment == 0 && a.device < 32 && a.function < 8 && offset < kLegacyConfigSize &&
         offset % 4 == 0;
}
}  // namespace

u32 PortConfigAccess::read32(Address a, u16 offset) {
  if (!port_reachable(a, offset)) return ~u32{0};
  cpu::outl(kAddressPort, port_address(a, offset));
  return cpu::inl(kDataPort);
}

void PortConfigAccess::write32(Address a, u16 offset, u32 value) {
  if (!port_reachable(a, offset)) return;
  cpu::outl(kAddressPort, port_address(a, offset));
  cpu::outl(kDataPort, value);
}

// A host bridge implementing mechanism #1 latches the address register; without one the
// port reads back floating bits (all ones) or what the chipset puts there instead.
bool PortConfigAccess::present() {
  u32 saved = cpu::inl(kAddressPort);
  u32 probe = u32(ConfigAddress(0).set_enable(true).raw());
  cpu::outl(kAddressPort, probe);
  bool latched = cpu::inl(kAddressPort) == probe;
  cpu::outl(kAddressPort, saved);
  return latched;
}

bool EcamConfigAccess::add_window(const libk::acpi::McfgEntry& entry,
                                  volatile void* start_bus_base) {
  if (count_ == kMaxWindows) return false;
  windows_[count_++] = {entry, static_cast<volatile u8*>(start_bus_base)};
  return true;
}

volatile u8* EcamConfigAccess::function_base(Address a) const {
  if (a.device >= 32 || a.function >= 8) return nullptr;
  for (usize i = 0; i < count_; ++i) {
    const Window& w = windows_[i];
    if (!w.entry.covers(a.segment, a.bus)) continue;
    u64 at = w.entry.function_address(a.bus, a.device, a.function) -
             w.entry.function_address(w.entry.start_bus, 0, 0);
    return w.base + at;
  }
  return nullptr;
}

u32 EcamConfigAccess::read32(Address a, u16 offset) {
  volatile u8* base = function_base(a);
  if (!base || offset >= size() || offset % 4 != 0) return ~u32{0};
  return mmio::read32(base, offset);
}

void EcamConfigAccess::write32(Address a, u16 offset, u32 value) {
  volatile u8* base = function_base(a);
  if (!base || offset >= size() || offset % 4 != 0) return;
  mmio::write32(base, offset, value);
}

}  // namespace hal::pci
