#include <hal/cpu.hpp>
#include <hal/mmio.hpp>
#include <hal/power.hpp>

namespace hal::power {

namespace {

using libk::acpi::GenericAddress;
using libk::acpi::kAddressSpaceIo;
using libk::acpi::kAddressSpaceMemory;

bool io_read(u64 port, u8 bits, u64& value) {
  if (port > 0xFFFF) return false;
  switch (bits) {
    case 8: value = cpu::inb(u16(port)); return true;
    case 16: value = cpu::inw(u16(port)); return true;
    case 32: value = cpu::inl(u16(port)); return true;
    default: return false;  // there are no 64-bit port accesses
  }
}

bool io_write(u64 port, u8 bits, u64 value) {
  if (port > 0xFFFF) return false;
  switch (bits) {
    case 8: cpu::outb(u16(port), u8(value)); return true;
    case 16: cpu::outw(u16(port), u16(value)); return true;
    case 32: cpu::outl(u16(port), u32(value)); return true;
    default: return false;
  }
}

bool memory_read(u64 phys, u8 bits, u64& value) {
  volatile void* reg = mmio::map(phys, bits / 8);
  if (!reg) return false;
  switch (bits) {
    case 8: value = mmio::read8(reg, 0); return true;
    case 16: value = mmio::read16(reg, 0); return true;
    case 32: value = mmio::read32(reg, 0); return true;
    case 64: value = mmio::read64(reg, 0); return true;
    default: return false;
  }
}

bool memory_write(u64 phys, u8 bits, u64 value) {
  volatile void* reg = mmio::map(phys, bits / 8);
  if (!reg) return false;
  switch (bits) {
    case 8: mmio::write8(reg, 0, u8(value)); return true;
    case 16: mmio::write16(reg, 0, u16(value)); return true;
    case 32: mmio::write32(reg, 0, u32(value)); return true;
    case 64: mmio::write64(reg, 0, value); return true;
    default: return false;
  }
}

// A descriptor-table pointer with limit 0: no vector is inside the table.
struct [[gnu::packed]] EmptyIdt {
  u16 limit;
  u64 base;
};

}  // namespace

bool read_register(const GenericAddress& reg, u8 bits, u64& value) {
  if (reg.address_space == kAddressSpaceIo) return io_read(reg.address, bits, value);
  if (reg.address_space == kAddressSpaceMemory) return memory_read(reg.address, bits, value);
  return false;
}

bool write_register(const GenericAddress& reg, u8 bits, u64 value) {
  if (reg.address_space == kAddressSpaceIo) return io_write(reg.address, bits, value);
  if (reg.address_space == kAddressSpaceMemory) return memory_write(reg.address, bits, value);
  return false;
}

void triple_fault() {
  cpu::cli();
  static constinit EmptyIdt empty = {0, 0};
  cpu::lidt(&empty);
  for (;;) cpu::int3();  // #BP -> #GP (outside the IDT) -> #DF -> shutdown
}

}  // namespace hal::power
