// The High Precision Event Timer (IA-PC HPET Specification 1.0a, §2.3): a free-running
// main counter at a fixed period, Ember's reference clock. Only the main counter is used;
// the comparators stay disabled.
#pragma once

#include <hal/bit_register.hpp>
#include <libk/types.hpp>

namespace hal {

// General Capabilities and ID register — HPET spec §2.3.4, Table 2-4.
class HpetCapabilities : public detail::BitRegister<HpetCapabilities> {
 public:
  using BitRegister::BitRegister;
  HAL_FIELD(u8, 7, 0, revision);
  HAL_FIELD(u8, 12, 8, last_timer);  // NUM_TIM_CAP: the number of comparators minus 1
  HAL_BIT(13, counter_64bit);        // COUNT_SIZE_CAP
  HAL_BIT(15, legacy_replacement);   // LEG_RT_CAP
  HAL_FIELD(u16, 31, 16, vendor);
  HAL_FIELD(u32, 63, 32, period_fs);  // COUNTER_CLK_PERIOD: femtoseconds per tick
  u32 timers() const { return last_timer() + 1u; }
};

// General Configuration register — HPET spec §2.3.5, Table 2-5.
class HpetConfiguration : public detail::BitRegister<HpetConfiguration> {
 public:
  using BitRegister::BitRegister;
  HAL_BIT(0, enable);              // ENABLE_CNF: the main counter runs
  HAL_BIT(1, legacy_replacement);  // LEG_RT_CNF
};

// Timer N Configuration and Capabilities register — HPET spec §2.3.8, Table 2-8 (the fields
// Ember touches).
class HpetTimerConfiguration : public detail::BitRegister<HpetTimerConfiguration> {
 public:
  using BitRegister::BitRegister;
  HAL_BIT(1, level_triggered);   // Tn_INT_TYPE_CNF
  HAL_BIT(2, interrupt_enable);  // Tn_INT_ENB_CNF
};

class Hpet {
 public:
  // §2.3.4: the period is non-zero and at most 100 ns (0x05F5E100 fs).
  static constexpr u32 kMaxPeriodFs = 100'000'000;

  Hpet() = default;
  explicit Hpet(volatile void* registers) : regs_(registers) {}

  HpetCapabilities capabilities() const;
  // Disables every comparator's interrupt, turns legacy replacement off and starts the main
  // counter. Returns false if the capabilities are implausible (not an HPET).
  bool enable();
  // The main counter (§2.3.8). A 32-bit counter reads as its low 32 bits; counter_mask()
  // says which bits count (subtract readings modulo it).
  u64 counter() const;
  u64 counter_mask() const { return mask_; }
  bool valid() const { return regs_ != nullptr; }

 private:
  volatile void* regs_ = nullptr;
  u64 mask_ = ~u64{0};
};

}  // namespace hal
