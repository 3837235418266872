// Typed register values (libk/bit_register.hpp has the machinery): a hardware register is a
// class over its raw bits whose body declares each bit or field once, with its position and
// the manual section beside it:
//
//   // CR0 — Intel SDM Vol. 3A §2.5, Figure 2-7.
//   class Cr0 : public detail::BitRegister<Cr0> {
//    public:
//     using BitRegister::BitRegister;
//     HAL_BIT(16, wp);  // write protect
//   };
//
// declares `bool wp() const` and `Cr0& set_wp(bool)`, so call sites read like
// `Cr0::read().set_wp(true).write()` and the position 16 appears nowhere else. Pure: no
// hardware access here, so every register type is usable in host tests.
#pragma once

#include <libk/bit_register.hpp>

namespace hal::detail {

template <typename Derived>
using BitRegister = libk::BitRegister<Derived>;

}  // namespace hal::detail

#define HAL_BIT(bit, name) LIBK_BIT(bit, name)
#define HAL_FIELD(Type, high, low, name) LIBK_FIELD(Type, high, low, name)
#define HAL_ADDRESS(high, low, name) LIBK_ADDRESS(high, low, name)
