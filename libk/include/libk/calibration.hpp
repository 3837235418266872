// Calibrating the TSC and the local APIC timer against a reference clock (the HPET or the
// PIT), as pure logic over a Clocks interface: hal/reference_clock.hpp implements it with the
// hardware, host tests with fake clocks whose every read happens at a known simulated time
// (tests/host/calibration_test.cpp). docs/interrupts.md, "Timers and calibration".
//
// How a window is measured: every reference read sits between two TSC reads (a bracket);
// of a few brackets the tightest is kept, so a read delayed by an interrupt or, under
// emulation, by the host (an HPET read costs ~9 us under QEMU's TCG) does not skew the
// sample. The reference counter may wrap: differences are taken modulo its mask. A window
// ends at the first sample at least `window_ns` of reference time after its start; the
// frequencies are the median of several windows.
#pragma once

#include <libk/optional.hpp>
#include <libk/span.hpp>
#include <libk/tick_converter.hpp>
#include <libk/types.hpp>

namespace libk::calibration {

inline constexpr u64 kNsPerSecond = 1'000'000'000;

// The clocks one calibration reads. Context: boot, interrupts disabled.
class Clocks {
 public:
  // Restarts the counters that cannot run for a whole calibration (the PIT's 16 bits wrap
  // after 55 ms; the local APIC timer counts down from its initial count once). Called at the
  // start of every window.
  virtual void start_window() = 0;
  virtual u64 tsc() = 0;          // the TSC: the clock being calibrated
  virtual u64 reference() = 0;    // the reference counter, increasing, modulo its mask + 1
  virtual u32 lapic_count() = 0;  // the local APIC timer's current count (counting down)

 protected:
  ~Clocks() = default;
};

// What a reference tick count means.
struct ReferenceScale {
  u64 mask;             // the counter's width: 0xFFFF (PIT), 2^32 - 1 or 2^64 - 1 (HPET)
  TickConverter to_ns;  // reference ticks -> nanoseconds
};

struct Config {
  u64 window_ns = 30'000'000;    // <= 54 ms: the PIT's 16-bit count must not wrap twice
  u32 windows = 3;               // the median of these is used (at most kMaxWindows)
  u64 warmup_ns = 2'000'000;     // one window first, discarded (fills the caches, and QEMU's
                                 // translation cache, before the real windows)
  u32 read_attempts = 5;         // brackets per sample; the tightest is kept
  u64 poll_limit = 100'000'000;  // samples per window before the reference counts as stopped
};
inline constexpr u32 kMaxWindows = 9;

// One reference read and the TSC at the same moment: the middle of the tightest bracket.
struct Sample {
  u64 ticks;  // reference
  u64 tsc;    // the middle of the bracket
  u64 width;  // the bracket's width in TSC cycles
};

// Reads the reference in `attempts` brackets and keeps the tightest (the first of equals).
// An attempt delayed anywhere inside its bracket is wider than an undelayed one, so as long
// as one attempt runs undelayed, the sample is as good as if no delay had happened.
Sample read_sample(Clocks& clocks, u32 attempts);

// Reference ticks from `from` to `to`, modulo the counter's width.
constexpr u64 elapsed_ticks(u64 from, u64 to, u64 mask) { return (to - from) & mask; }

struct Window {
  u64 tsc_cycles;
  u64 reference_ns;
  u64 lapic_ticks;
};

// Measures one window of at least `ns` of reference time. Nullopt if the reference does not
// advance by that much within `config.poll_limit` samples.
Optional<Window> measure_window(Clocks& clocks, const ReferenceScale& scale, u64 ns,
                                const Config& config);

// count / ns in counts per second, in 64-bit arithmetic (the kernel has no 128-bit
// division): exact while count * 10^9 fits in 64 bits, else to a microsecond of `ns`.
// 0 for ns == 0.
u64 per_second(u64 count, u64 ns);

// The middle value of `values` (sorted in place); of an even number, the upper middle one.
// 0 for none.
u64 median(Span<u64> values);

// What the windows measured.
struct Measurement {
  u64 tsc_hz = 0;  // the median over the completed windows; 0 if none completed
  u64 lapic_timer_hz = 0;
  u64 window_ns = 0;               // the last completed window's reference time
  u32 windows = 0;                 // how many completed
  bool reference_stopped = false;  // a window timed out: the reference does not count
};

// The warm-up window, then `config.windows` windows (stopping at the first that times out).
Measurement measure(Clocks& clocks, const ReferenceScale& scale, const Config& config);

// Which TSC frequency to use.
struct TscChoice {
  u64 hz;
  bool from_cpuid;       // CPUID's value agreed with the measurement and is used
  bool cpuid_disagrees;  // CPUID gave a value more than the tolerance off: measured is used
  bool assumed;          // neither a measurement nor CPUID: kAssumedTscHz
};
inline constexpr u64 kAssumedTscHz = 2'000'000'000;
inline constexpr u64 kCpuidTolerancePpm = 10'000;  // 1%

// CPUID's frequency (leaf 0x15/0x16; 0 if it gives none) when it agrees with the measurement
// within `tolerance_ppm` of the measurement, or when there is no measurement; else the
// measurement; with neither, kAssumedTscHz.
TscChoice choose_tsc_frequency(u64 measured_hz, u64 cpuid_hz,
                               u64 tolerance_ppm = kCpuidTolerancePpm);

// The local APIC timer's frequency: measured, or without a measurement QEMU's 1 GHz / 16.
inline constexpr u64 kAssumedLapicTimerHz = 62'500'000;
constexpr u64 choose_lapic_timer_frequency(u64 measured_hz) {
  return measured_hz != 0 ? measured_hz : kAssumedLapicTimerHz;
}

}  // namespace libk::calibration
