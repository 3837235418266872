// The reference clock the TSC and the local APIC timer are calibrated against, and the
// calibration run on the hardware. The HPET's main counter when the ACPI HPET table gives
// one (IA-PC HPET Specification 1.0a), else PIT channel 2 (hal/pit.hpp). hal reads and
// programs the counters; the measurement's logic and maths are libk's
// (libk/calibration.hpp, host-tested with fake clocks); the kernel chooses the reference and
// the frequencies, and logs (kernel/time.cpp). Nothing here logs.
//
// Context: boot sequence, interrupts disabled.
#pragma once

#include <hal/hpet.hpp>
#include <hal/lapic.hpp>
#include <libk/calibration.hpp>
#include <libk/result.hpp>

namespace hal {

class ReferenceClock {
 public:
  enum class Kind : u8 { Pit, Hpet };
  enum class HpetError : u8 {
    Unreachable,  // the register block is not mappable (hal::mmio)
    BadPeriod,    // the period is 0 or above 100 ns (§2.3.4): not an HPET
  };

  constexpr ReferenceClock() = default;

  // Maps the HPET whose registers are at `address` (the ACPI HPET table's), checks its
  // period, disables its comparators and starts the main counter (Hpet::enable).
  static libk::Result<ReferenceClock, HpetError> hpet(u64 address);
  // PIT channel 2, counting down from 0xFFFF; restarted for every calibration window.
  static ReferenceClock pit();

  Kind kind() const { return kind_; }
  // The HPET's General Capabilities register (HPET only).
  HpetCapabilities hpet_capabilities() const { return hpet_.capabilities(); }

  // The counter as an increasing tick count, modulo scale().mask + 1.
  u64 ticks() const;
  libk::calibration::ReferenceScale scale() const { return {mask(), to_ns_}; }
  // ticks() in nanoseconds (wrapping with the counter).
  u64 ns() const { return to_ns_.convert(ticks()); }
  // Restarts a counter that cannot run through a whole calibration (the PIT).
  void restart();

 private:
  u64 mask() const;

  Kind kind_ = Kind::Pit;
  Hpet hpet_;
  libk::TickConverter to_ns_;
};

// Calibrates the TSC and `lapic`'s timer (bus clock / 16, counting down from 2^32 - 1 with
// its interrupt `vector` masked) against `reference` as `config` says
// (libk::calibration::measure), then stops the APIC timer.
libk::calibration::Measurement calibrate_tsc_and_apic_timer(
    ReferenceClock& reference, LocalApic& lapic, u8 vector,
    const libk::calibration::Config& config);

}  // namespace hal
