// The message a PCI device writes to raise an interrupt on an x86 local APIC (Intel SDM
// Vol. 3A §11.11): an address in the 0xFEExxxxx range that names the destination APIC, and
// data that names the vector. Pure: composed here, written into MSI or MSI-X registers by
// hal/pci.hpp.
#pragma once

#include <hal/bit_register.hpp>
#include <hal/pci.hpp>

namespace hal::msi {

// Message address register — SDM Vol. 3A §11.11.1, Figure 11-24.
class Address : public detail::BitRegister<Address> {
 public:
  using BitRegister::BitRegister;
  static constexpr u32 kFixedTop = 0xFEE;
  HAL_BIT(2, logical_destination);  // destination mode
  HAL_BIT(3, redirection_hint);
  HAL_FIELD(u8, 19, 12, destination_id);
  HAL_FIELD(u16, 31, 20, fixed_top);  // always 0xFEE
};

// Message data register — SDM Vol. 3A §11.11.2, Figure 11-25.
class Data : public detail::BitRegister<Data> {
 public:
  using BitRegister::BitRegister;
  HAL_FIELD(u8, 7, 0, vector);
  HAL_FIELD(u8, 10, 8, delivery_mode);  // 0 = fixed
  HAL_BIT(14, level_assert);            // ignored for edge
  HAL_BIT(15, level_triggered);
};

// Fixed delivery of `vector` to the local APIC `apic_id` (physical destination mode, edge).
// An xAPIC ID above 255 does not fit: the caller keeps to the 8-bit IDs.
constexpr pci::MsiMessage compose(u8 apic_id, u8 vector) {
  u64 address = Address(0).set_fixed_top(Address::kFixedTop).set_destination_id(apic_id).raw();
  u32 data = u32(Data(0).set_vector(vector).raw());
  return {address, data};
}

}  // namespace hal::msi
