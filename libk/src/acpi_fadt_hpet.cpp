#include <libk/acpi_fadt.hpp>
#include <libk/acpi_hpet.hpp>

namespace libk::acpi {

namespace {

constexpr u32 kFadtMinimumLength = 116;  // the ACPI 1.0 FADT
constexpr u32 kHpetLength = 56;

// A field at `offset` if the table is long enough to hold it, else 0.
template <typename T>
T field(Bytes table, usize offset) {
  if (!table.contains_range(offset, sizeof(T))) return T{};
  return load_le<T>(table.data() + offset);
}

// A PM1 control block: the 64-bit GAS at `x_offset` (ACPI 2.0+) if it names a register,
// else the legacy I/O port at `port_offset`, PM1_CNT_LEN (offset 89) bytes wide.
GenericAddress pm1_control_block(Bytes table, usize port_offset, usize x_offset) {
  if (table.contains_range(x_offset, 12)) {
    GenericAddress x = read_generic_address(table.data() + x_offset);
    if (x.address != 0) return x;
  }
  u32 port = field<u32>(table, port_offset);
  if (port == 0) return {};
  u8 bytes = field<u8>(table, 89);
  return {kAddressSpaceIo, u8(bytes * 8), 0, 0, port};
}

}  // namespace

Result<Fadt, Problem> parse_fadt(Bytes table, u64 address, Diagnostics& diag) {
  if (table.size() < kFadtMinimumLength) {
    diag.add(Problem::TableTooShort, "FACP", address, table.size(), kFadtMinimumLength);
    return Unexpected<Problem>{Problem::TableTooShort};
  }
  // Offsets: ACPI 6.5 Table 5.9.
  Fadt f;
  f.revision = table[8];
  f.dsdt = field<u32>(table, 40);
  f.sci_interrupt = field<u16>(table, 46);
  f.pm_timer_port = field<u32>(table, 76);
  if (field<u8>(table, 91) < 4) f.pm_timer_port = 0;  // PM_TMR_LEN must be 4
  f.century_register = field<u8>(table, 108);
  f.flags = field<u32>(table, 112);
  if (f.revision >= 2 && table.size() >= 111) {
    f.boot_arch_valid = true;
    f.boot_arch = field<u16>(table, 109);
  }
  if (f.revision >= 2 && table.size() >= 129 && (f.flags & kFadtResetRegisterSupported)) {
    f.reset_valid = true;
    f.reset_register = read_generic_address(table.data() + 116);
    f.reset_value = table[128];
  }
  if (u64 x_dsdt = field<u64>(table, 140); x_dsdt != 0) f.dsdt = x_dsdt;
  f.smi_command = field<u32>(table, 48);
  f.acpi_enable = field<u8>(table, 52);
  f.pm1a_control = pm1_control_block(table, 64, 172);
  f.pm1b_control = pm1_control_block(table, 68, 184);
  return f;
}

Result<HpetTable, Problem> parse_hpet(Bytes table, u64 address, Diagnostics& diag) {
  if (table.size() < kHpetLength) {
    diag.add(Problem::TableTooShort, "HPET", address, table.size(), kHpetLength);
    return Unexpected<Problem>{Problem::TableTooShort};
  }
  u32 id = load_le<u32>(table.data() + 36);  // event timer block ID, layout as capabilities
  GenericAddress base = read_generic_address(table.data() + 40);
  if (base.address_space != kAddressSpaceMemory) {
    diag.add(Problem::BadAddressSpace, "HPET", address, base.address_space);
    return Unexpected<Problem>{Problem::BadAddressSpace};
  }
  if (base.address == 0 || base.address % 1024 != 0) {
    diag.add(Problem::BadAddress, "HPET", address, base.address);
    return Unexpected<Problem>{Problem::BadAddress};
  }
  HpetTable h{};
  h.address = base.address;
  h.hardware_revision = u8(id);
  h.comparators = u8((id >> 8 & 0x1F) + 1);
  h.counter_64bit = id >> 13 & 1;
  h.legacy_replacement = id >> 15 & 1;
  h.vendor_id = u16(id >> 16);
  h.number = table[52];
  h.minimum_tick = load_le<u16>(table.data() + 53);
  return h;
}

}  // namespace libk::acpi
