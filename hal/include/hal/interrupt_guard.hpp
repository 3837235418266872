// Interrupts off for a scope: the saved RFLAGS.IF (SDM Vol. 1 §3.4.3.3) is restored on
// exit, so guards nest and a guard taken with interrupts already off leaves them off.
// On one CPU this is mutual exclusion against interrupt handlers (kernel/console.hpp).
#pragma once

#include <hal/cpu.hpp>

namespace hal {

class [[nodiscard]] InterruptGuard {
 public:
  static constexpr u64 kRflagsInterruptEnable = 1u << 9;  // RFLAGS.IF

  InterruptGuard() : were_enabled_(cpu::read_rflags() & kRflagsInterruptEnable) { cpu::cli(); }
  ~InterruptGuard() {
    if (were_enabled_) cpu::sti();
  }
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

 private:
  bool were_enabled_;
};

}  // namespace hal
