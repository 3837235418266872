// The High Precision Event Timer (IA-PC HPET Specification 1.0a, §2.3): a free-running
// main counter at a fixed period, Ember's reference clock. Only the main counter is used;
// the comparators stay disabled.
#pragma once

#include <libk/types.hpp>

namespace hal {

// General Capabilities and ID register — HPET spec §2.3.4, Table 2-4.
struct HpetCapabilities {
  u64 raw;
  u8 revision() const { return u8(raw); }
  u32 timers() const { return u32(raw >> 8 & 0x1F) + 1; }
  bool counter_64bit() const { return raw >> 13 & 1; }
  bool legacy_replacement() const { return raw >> 15 & 1; }
  u16 vendor() const { return u16(raw >> 16); }
  u32 period_fs() const { return u32(raw >> 32); }  // femtoseconds per tick
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
