// CPU interrupt flag control (SDM Vol. 3A §6.8.1) and the interrupt-state guard every
// interrupt-shared structure uses on this single-CPU kernel.
#pragma once

#include <hal/cpu.hpp>

extern "C" void hal_enable_interrupts_and_halt();

namespace hal::interrupts {

inline void enable() { cpu::sti(); }
inline void disable() { cpu::cli(); }

// Enables interrupts and halts until one arrives, atomically: STI delays interrupt recognition
// by one instruction (SDM Vol. 2B, STI), so an interrupt pending at the STI wakes the HLT
// instead of slipping in between. Call with interrupts disabled after checking for work; the
// caller returns with interrupts enabled.
inline void wait() { hal_enable_interrupts_and_halt(); }

// Disables interrupts for its lifetime and restores the previous state (not blindly
// re-enabling them). Context: any, including interrupt handlers.
class [[nodiscard]] Guard {
 public:
  Guard() : was_enabled_(cpu::interrupts_enabled()) { cpu::cli(); }
  ~Guard() {
    if (was_enabled_) cpu::sti();
  }
  Guard(const Guard&) = delete;
  Guard& operator=(const Guard&) = delete;

 private:
  bool was_enabled_;
};

}  // namespace hal::interrupts
