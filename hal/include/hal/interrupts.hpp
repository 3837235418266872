// CPU interrupt flag control (SDM Vol. 3A §6.8.1): the one save/disable/restore primitive
// that the interrupt guard and every spinlock guard use.
#pragma once

#include <hal/cpu.hpp>

extern "C" void hal_enable_interrupts_and_halt();

namespace hal::interrupts {

inline void enable() { cpu::sti(); }
inline void disable() { cpu::cli(); }
inline bool enabled() { return cpu::interrupts_enabled(); }

// The interrupt flag as it was before save_and_disable().
struct [[nodiscard]] SavedState {
  bool was_enabled;
};

// Disables interrupts and returns the previous state, for restore(). Context: any.
inline SavedState save_and_disable() {
  SavedState s{cpu::interrupts_enabled()};
  cpu::cli();
  return s;
}

// Puts the flag back as save_and_disable() found it: re-enables only if it was enabled, so
// nested save/restore pairs (and their guards) compose.
inline void restore(SavedState s) {
  if (s.was_enabled) cpu::sti();
}

// Enables interrupts and halts until one arrives, atomically: STI delays interrupt recognition
// by one instruction (SDM Vol. 2B, STI), so an interrupt pending at the STI wakes the HLT
// instead of slipping in between. Call with interrupts disabled after checking for work; the
// caller returns with interrupts enabled.
inline void wait() { hal_enable_interrupts_and_halt(); }

// Disables interrupts for its lifetime and restores the previous state. For code that must
// not be interrupted (a measurement, a hardware sequence); data shared with interrupt
// handlers is protected by a lock (kernel/sync/), whose guard does the same. Context: any.
class [[nodiscard]] Guard {
 public:
  Guard() : saved_(save_and_disable()) {}
  ~Guard() { restore(saved_); }
  Guard(const Guard&) = delete;
  Guard& operator=(const Guard&) = delete;

 private:
  SavedState saved_;
};

}  // namespace hal::interrupts
