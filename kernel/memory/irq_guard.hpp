// Disables interrupts for a scope and restores the previous state: the memory managers'
// lock while Ember runs on one CPU (interrupt handlers may allocate; nothing else runs
// concurrently). SMP will replace it with a spinlock that also owns the interrupt state.
#pragma once

#include <hal/cpu.hpp>

namespace kernel::memory {

class [[nodiscard]] IrqGuard {
 public:
  IrqGuard() : were_enabled_(hal::cpu::read_rflags() & kInterruptFlag) { hal::cpu::cli(); }
  ~IrqGuard() {
    if (were_enabled_) hal::cpu::sti();
  }
  IrqGuard(const IrqGuard&) = delete;
  IrqGuard& operator=(const IrqGuard&) = delete;

 private:
  static constexpr u64 kInterruptFlag = 1u << 9;  // RFLAGS.IF, SDM Vol. 1 §3.4.3
  bool were_enabled_;
};

}  // namespace kernel::memory
