// Time: a monotonic nanosecond clock from the TSC, calibrated at boot against a reference
// clock (the HPET, or the PIT when there is none), and the calibrated local APIC timer that
// kernel/timers.hpp uses for deadlines. See docs/interrupts.md, "Timers and calibration".
#pragma once

#include <libk/optional.hpp>
#include <libk/types.hpp>

namespace kernel::time {

inline constexpr u64 kNsPerUs = 1'000;
inline constexpr u64 kNsPerMs = 1'000'000;
inline constexpr u64 kNsPerSecond = 1'000'000'000;

enum class Reference : u8 { None, Hpet, Pit };

struct Calibration {
  Reference reference = Reference::None;
  u64 tsc_hz = 0;           // the frequency in use
  u64 tsc_measured_hz = 0;  // measured against the reference (0 without one)
  u64 tsc_cpuid_hz = 0;     // from CPUID 0x15/0x16 (0 if it does not say)
  bool tsc_from_cpuid = false;
  u64 lapic_timer_hz = 0;  // after the divider (hal::ApicTimerDivide::By16)
  u64 reference_window_ns = 0;
};

// Enables the HPET (from the ACPI HPET table) or falls back to the PIT, calibrates the TSC
// and the local APIC timer against it. Needs acpi::init() and interrupts::init();
// interrupts may still be disabled.
void init();

const Calibration& calibration();
const char* reference_name();

// Monotonic nanoseconds since the TSC started counting (reset). Context: any.
u64 now_ns();
u64 tsc_to_ns(u64 cycles);
// The TSC when kernel_main began, noted before anything else runs; the time since then
// (after init()). The firmware's and loader's time is what now_ns() has beyond it.
void note_kernel_entry(u64 tsc);
u64 since_kernel_entry_ns();
u64 ns_to_tsc(u64 ns);
u64 ns_to_lapic_ticks(u64 ns);

// The HPET's main counter in nanoseconds, when there is an HPET (for checking the other
// clocks against it).
libk::Optional<u64> hpet_ns();

// Busy-waits for at least `ns` nanoseconds (for code that cannot sleep).
void spin_ns(u64 ns);

}  // namespace kernel::time
