// Configuration-space logic over a ConfigAccess: BAR sizing, device enabling, MSI and MSI-X
// programming (hal/pci.hpp). Portable: host tests run it against a fake space.
#include <hal/mmio.hpp>
#include <hal/pci.hpp>

namespace hal::pci {

namespace off = libk::pci::offset;

u16 ConfigAccess::read16(Address a, u16 offset) {
  return u16(read32(a, offset & ~u16{3}) >> ((offset & 2) * 8));
}

u8 ConfigAccess::read8(Address a, u16 offset) {
  return u8(read32(a, offset & ~u16{3}) >> ((offset & 3) * 8));
}

void ConfigAccess::write16(Address a, u16 offset, u16 value) {
  u16 dword = offset & ~u16{3};
  u32 shift = (offset & 2) * 8;
  u32 old = read32(a, dword);
  write32(a, dword, (old & ~(u32{0xFFFF} << shift)) | (u32(value) << shift));
}

namespace {

// The status register shares the dword and its error bits are write-one-to-clear: writing
// back what was read would clear them, so the upper half is written as zero (no effect).
void write_command(ConfigAccess& access, Address a, Command c) {
  access.write32(a, off::kCommand, u32(c.raw() & 0xFFFF));
}

Command read_command(ConfigAccess& access, Address a) {
  return Command(access.read16(a, off::kCommand));
}

// Writes all ones to the BAR dword at `reg`, returns what reads back, restores `value`.
u32 size_mask(ConfigAccess& access, Address a, u16 reg, u32 value) {
  access.write32(a, reg, ~u32{0});
  u32 mask = access.read32(a, reg);
  access.write32(a, reg, value);
  return mask;
}

}  // namespace

libk::pci::BarProbe probe_bar(ConfigAccess& access, Address a, u8 index) {
  u16 reg = u16(off::kBar0 + 4 * index);
  Command saved = read_command(access, a);
  write_command(access, a, Command(saved).set_io_space(false).set_memory_space(false));
  libk::pci::BarProbe p;
  p.value = access.read32(a, reg);
  p.mask = size_mask(access, a, reg, p.value);
  if (libk::pci::is_64bit_bar(p.value) && index < 5) {
    p.upper_value = access.read32(a, reg + 4);
    p.upper_mask = size_mask(access, a, reg + 4, p.upper_value);
  }
  write_command(access, a, saved);
  return p;
}

void enable_device(ConfigAccess& access, Address a, bool memory, bool io, bool no_intx) {
  Command c = read_command(access, a).set_bus_master(true);
  if (memory) c.set_memory_space(true);
  if (io) c.set_io_space(true);
  if (no_intx) c.set_interrupt_disable(true);
  write_command(access, a, c);
}

void enable_msi(ConfigAccess& access, Address a, const libk::pci::MsiInfo& msi, MsiMessage m) {
  u16 base = msi.offset;
  MsiControl control(access.read16(a, base + 2));
  access.write16(a, base + 2, u16(MsiControl(control).set_enable(false).raw()));
  access.write32(a, base + 4, u32(m.address));
  if (msi.address64) access.write32(a, base + 8, u32(m.address >> 32));
  access.write16(a, base + msi.data_offset, u16(m.data));
  if (msi.per_vector_mask) access.write32(a, base + msi.mask_offset, 0);
  control.set_multiple_message_enable(0).set_enable(true);
  access.write16(a, base + 2, u16(control.raw()));
  write_command(access, a, read_command(access, a).set_interrupt_disable(true));
}

void disable_msi(ConfigAccess& access, Address a, const libk::pci::MsiInfo& msi) {
  MsiControl control(access.read16(a, msi.offset + 2));
  access.write16(a, msi.offset + 2, u16(control.set_enable(false).raw()));
}

namespace {

MsixControl read_msix_control(ConfigAccess& access, Address a, const libk::pci::MsixInfo& m) {
  return MsixControl(access.read16(a, m.offset + 2));
}

void write_msix_control(ConfigAccess& access, Address a, const libk::pci::MsixInfo& m,
                        MsixControl c) {
  access.write16(a, m.offset + 2, u16(c.raw()));
}

}  // namespace

void enable_msix(ConfigAccess& access, Address a, const libk::pci::MsixInfo& m,
                 volatile void* table) {
  write_msix_control(access, a, m,
                     read_msix_control(access, a, m).set_enable(true).set_function_mask(true));
  for (u16 i = 0; i < m.table_size; ++i) program_msix_entry(table, i, {0, 0}, true);
  write_command(access, a, read_command(access, a).set_interrupt_disable(true));
  write_msix_control(access, a, m, read_msix_control(access, a, m).set_function_mask(false));
}

// Table entry layout — PCI 3.0 §6.8.2.6-9: address low, address high, data, vector control.
void program_msix_entry(volatile void* table, u16 index, MsiMessage m, bool masked) {
  u64 entry = u64(index) * libk::pci::kMsixEntrySize;
  u32 control = mmio::read32(table, entry + 12);
  // Mask while the address and data change, so the device never sends half of each.
  mmio::write32(table, entry + 12, u32(MsixVectorControl(control).set_masked(true).raw()));
  mmio::write32(table, entry + 0, u32(m.address));
  mmio::write32(table, entry + 4, u32(m.address >> 32));
  mmio::write32(table, entry + 8, m.data);
  mmio::write32(table, entry + 12, u32(MsixVectorControl(control).set_masked(masked).raw()));
}

void set_msix_function_mask(ConfigAccess& access, Address a, const libk::pci::MsixInfo& m,
                            bool masked) {
  write_msix_control(access, a, m, read_msix_control(access, a, m).set_function_mask(masked));
}

void disable_msix(ConfigAccess& access, Address a, const libk::pci::MsixInfo& m) {
  write_msix_control(access, a, m, read_msix_control(access, a, m).set_enable(false));
}

}  // namespace hal::pci
