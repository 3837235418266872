// Typed bit layouts: a register, a descriptor, or a structure a device shares with the CPU
// in memory (an xHCI TRB or context) is a class over its raw bits whose body declares each
// bit or field once, with its position, as Zircon's hwreg does:
//
//   // CR0 — Intel SDM Vol. 3A §2.5, Figure 2-7.
//   class Cr0 : public libk::BitRegister<Cr0> {
//    public:
//     using BitRegister::BitRegister;
//     LIBK_BIT(16, wp);  // write protect
//   };
//
// declares `bool wp() const` and `Cr0& set_wp(bool)`, so call sites read like
// `Cr0::read().set_wp(true).write()` and the position 16 appears nowhere else. Pure: no
// hardware access here. hal/bit_register.hpp names these HAL_BIT/HAL_FIELD/HAL_ADDRESS for
// the hardware registers; libk uses them for in-memory layouts its parsers decode.
#pragma once

#include <libk/types.hpp>

namespace libk {

template <typename Derived>
class BitRegister {
 public:
  constexpr explicit BitRegister(u64 raw) : raw_(raw) {}
  constexpr u64 raw() const { return raw_; }
  constexpr bool operator==(const BitRegister& other) const { return raw_ == other.raw_; }

  // The bits high:low set, the rest clear (0 <= low <= high <= 63).
  static constexpr u64 mask(u32 high, u32 low) { return (~u64{0} >> (63 - high + low)) << low; }

 protected:
  // Bits high:low, shifted down to bit 0.
  constexpr u64 field(u32 high, u32 low) const { return (raw_ & mask(high, low)) >> low; }
  // Replaces bits high:low with `value`'s low bits; value bits beyond the field's width are
  // dropped (a field never spills into its neighbours).
  constexpr Derived& set_field(u32 high, u32 low, u64 value) {
    raw_ = (raw_ & ~mask(high, low)) | ((value << low) & mask(high, low));
    return static_cast<Derived&>(*this);
  }

  u64 raw_;
};

}  // namespace libk

// One flag at bit `bit`: `name()` and `set_name(bool)` (which returns the register, for
// chaining).
#define LIBK_BIT(bit, name)                                                                   \
  constexpr bool name() const { return this->field(bit, bit) != 0; }                          \
  constexpr auto& set_##name(bool value) { return this->set_field(bit, bit, value ? 1 : 0); } \
  static_assert((bit) >= 0 && (bit) < 64, "LIBK_BIT: bit out of range")

// Bits high:low as a value of `Type` (an unsigned integer or an enum), shifted down to bit 0:
// `name()` and `set_name(Type)`.
#define LIBK_FIELD(Type, high, low, name)                                           \
  constexpr Type name() const { return static_cast<Type>(this->field(high, low)); } \
  constexpr auto& set_##name(Type value) {                                          \
    return this->set_field(high, low, static_cast<u64>(value));                     \
  }                                                                                 \
  static_assert((low) <= (high) && (high) < 64, "LIBK_FIELD: bad bit range")

// Bits high:low holding the same bits of an aligned address (a frame number in place):
// `name()` returns the address with its low bits zero, `set_name(address)` stores bits
// high:low of `address` and ignores the others.
#define LIBK_ADDRESS(high, low, name)                                                              \
  constexpr u64 name() const { return this->raw_ & this->mask(high, low); }                        \
  constexpr auto& set_##name(u64 address) { return this->set_field(high, low, address >> (low)); } \
  static_assert((low) <= (high) && (high) < 64, "LIBK_ADDRESS: bad bit range")
