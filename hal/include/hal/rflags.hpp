// RFLAGS — Intel SDM Vol. 1 §3.4.3, Figure 3-8 (and Vol. 3A §2.3 for the system flags). A
// value type only: hal::cpu::read_rflags() reads the register (hal/cpu.hpp).
#pragma once

#include <hal/bit_register.hpp>

namespace hal {

class Rflags : public detail::BitRegister<Rflags> {
 public:
  using BitRegister::BitRegister;
  HAL_BIT(0, carry);                       // CF
  HAL_BIT(2, parity);                      // PF
  HAL_BIT(4, auxiliary_carry);             // AF
  HAL_BIT(6, zero);                        // ZF
  HAL_BIT(7, sign);                        // SF
  HAL_BIT(8, trap);                        // TF: single-step
  HAL_BIT(9, interrupt_enable);            // IF: maskable interrupts (Vol. 3A §6.8.1)
  HAL_BIT(10, direction);                  // DF
  HAL_BIT(11, overflow);                   // OF
  HAL_FIELD(u8, 13, 12, iopl);             // I/O privilege level
  HAL_BIT(14, nested_task);                // NT
  HAL_BIT(16, resume);                     // RF
  HAL_BIT(17, virtual_8086);               // VM
  HAL_BIT(18, alignment_check);            // AC (also SMAP's override)
  HAL_BIT(19, virtual_interrupt);          // VIF
  HAL_BIT(20, virtual_interrupt_pending);  // VIP
  HAL_BIT(21, id);                         // ID: CPUID is available
};

}  // namespace hal
