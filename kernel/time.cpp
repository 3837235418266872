#include "time.hpp"

#include <hal/cpu.hpp>
#include <hal/hpet.hpp>
#include <hal/mmio.hpp>
#include <hal/pit.hpp>
#include <libk/tick_converter.hpp>

#include "acpi.hpp"
#include "cpu.hpp"
#include "interrupts.hpp"
#include "log.hpp"

namespace kernel::time {

namespace {

constexpr u64 kWindowNs = 30 * kNsPerMs;  // <= 54 ms: the PIT's 16-bit count must not wrap
constexpr u64 kWindows = 3;               // the median of these is used
constexpr u64 kWarmupNs = 2 * kNsPerMs;
constexpr u64 kFsPerNs = 1'000'000;
// CPUID's TSC frequency is used when the measurement agrees within this (parts per million).
constexpr u64 kCpuidTolerancePpm = 10'000;
constexpr u64 kPollLimit = 100'000'000;  // bounds a reference clock that does not advance
constexpr u32 kReadAttempts = 5;

constinit Calibration cal;
constinit hal::Hpet hpet;
constinit libk::TickConverter tsc_to_ns_conv;
constinit libk::TickConverter ns_to_tsc_conv;
constinit libk::TickConverter ns_to_lapic_conv;
constinit libk::TickConverter hpet_to_ns_conv;  // HPET ticks -> ns
constinit libk::TickConverter pit_to_ns_conv;   // PIT ticks -> ns

// The reference clock as an increasing tick count.
u64 reference_ticks() {
  if (cal.reference == Reference::Hpet) return hpet.counter();
  return 0xFFFF - hal::pit::counter();  // counts down from 0xFFFF
}

u64 reference_mask() { return cal.reference == Reference::Hpet ? hpet.counter_mask() : 0xFFFF; }

u64 reference_ticks_to_ns(u64 ticks) {
  return (cal.reference == Reference::Hpet ? hpet_to_ns_conv : pit_to_ns_conv).convert(ticks);
}

struct Sample {
  u64 ticks;  // reference
  u64 tsc;    // the middle of the TSC bracket around the reference read
};

// Reads the reference between two TSC reads, a few times, keeping the tightest bracket: a
// read delayed by an interrupt or (under emulation) by the host gives a wide one.
Sample read_sample() {
  Sample best{0, 0};
  u64 best_width = ~u64{0};
  for (u32 i = 0; i < kReadAttempts; ++i) {
    u64 before = hal::cpu::rdtsc();
    u64 ticks = reference_ticks();
    u64 after = hal::cpu::rdtsc();
    if (after - before < best_width) {
      best_width = after - before;
      best = {ticks, before + (after - before) / 2};
    }
  }
  return best;
}

struct Window {
  u64 tsc_cycles;
  u64 reference_ns;
  u64 lapic_ticks;
};

// Counts TSC cycles and local APIC timer ticks (divide by 16, masked) while the reference
// clock advances by `ns`. Nullopt if the reference does not advance.
libk::Optional<Window> measure(u64 ns) {
  if (cal.reference == Reference::Pit) hal::pit::start_counter();
  hal::LocalApic& lapic = interrupts::local_apic();
  lapic.start_one_shot(interrupts::kTimerVector, 0xFFFF'FFFF, hal::ApicTimerDivide::By16,
                       /*masked=*/true);
  u64 mask = reference_mask();
  Sample start = read_sample();
  u32 lapic_start = lapic.timer_current_count();
  Sample end = start;
  u64 polls = 0;
  while (reference_ticks_to_ns((end.ticks - start.ticks) & mask) < ns) {
    if (++polls == kPollLimit) return libk::nullopt;
    end = read_sample();
  }
  u32 lapic_end = lapic.timer_current_count();
  return Window{end.tsc - start.tsc, reference_ticks_to_ns((end.ticks - start.ticks) & mask),
                u64(lapic_start - lapic_end)};
}

bool init_hpet() {
  const libk::acpi::HpetTable* table = acpi::hpet();
  if (table == nullptr) return false;
  volatile void* regs = hal::mmio::map(table->address, 1024);
  if (regs == nullptr) return false;
  hal::Hpet candidate(regs);
  if (!candidate.enable()) {
    log::warn("time: the HPET at {:#x} reports an invalid period; not using it", table->address);
    return false;
  }
  hpet = candidate;
  u64 period_fs = hpet.capabilities().period_fs();
  hpet_to_ns_conv = libk::TickConverter::between(kFsPerNs, period_fs);  // ticks * fs / 1e6
  log::info("time: HPET at {:#x}: {} timers, {}-bit counter, period {} fs ({} Hz)", table->address,
            hpet.capabilities().timers(), hpet.capabilities().counter_64bit() ? 64 : 32, period_fs,
            kFsPerNs * kNsPerSecond / period_fs);
  return true;
}

// count / ns in counts per second, in 64-bit arithmetic (no 128-bit division in the kernel).
u64 per_second(u64 count, u64 ns) {
  u64 scaled = 0;
  if (libk::checked_mul(count, kNsPerSecond, scaled)) return scaled / ns;
  return count / (ns / kNsPerUs) * 1'000'000;  // only for absurdly large counts
}

void choose_tsc_frequency() {
  if (auto f = cpu::info().tsc_frequency) cal.tsc_cpuid_hz = f->hz;
  cal.tsc_hz = cal.tsc_measured_hz;
  if (cal.tsc_cpuid_hz == 0) return;
  u64 m = cal.tsc_measured_hz, c = cal.tsc_cpuid_hz;
  u64 diff = m > c ? m - c : c - m;
  if (m == 0 || diff * 1'000'000 / m <= kCpuidTolerancePpm) {
    cal.tsc_hz = c;
    cal.tsc_from_cpuid = true;
  } else {
    log::warn("time: CPUID says the TSC runs at {} Hz but it measures {} Hz; using the measurement",
              c, m);
  }
}

u64 median(u64 (&v)[kWindows]) {
  for (usize i = 1; i < kWindows; ++i)
    for (usize j = i; j > 0 && v[j] < v[j - 1]; --j) libk::swap(v[j], v[j - 1]);
  return v[kWindows / 2];
}

void calibrate() {
  measure(kWarmupNs);  // fills caches (and QEMU's translation cache) before the real windows
  u64 tsc_hz[kWindows] = {}, lapic_hz[kWindows] = {};
  for (usize i = 0; i < kWindows; ++i) {
    auto w = measure(kWindowNs);
    if (!w || w->reference_ns == 0) {
      log::error("time: the {} does not count; cannot calibrate against it", reference_name());
      break;
    }
    cal.reference_window_ns = w->reference_ns;
    tsc_hz[i] = per_second(w->tsc_cycles, w->reference_ns);
    lapic_hz[i] = per_second(w->lapic_ticks, w->reference_ns);
  }
  cal.tsc_measured_hz = median(tsc_hz);
  cal.lapic_timer_hz = median(lapic_hz);
  interrupts::local_apic().stop_timer();
  choose_tsc_frequency();
  if (cal.tsc_hz == 0) {
    cal.tsc_hz = 2'000'000'000;
    log::error("time: no reference clock and no CPUID frequency; assuming a 2 GHz TSC");
  }
  if (cal.lapic_timer_hz == 0) cal.lapic_timer_hz = 62'500'000;  // QEMU's 1 GHz / 16
}

}  // namespace

void init() {
  pit_to_ns_conv = libk::TickConverter::between(hal::pit::kFrequencyHz, kNsPerSecond);
  if (init_hpet())
    cal.reference = Reference::Hpet;
  else
    cal.reference = Reference::Pit;
  calibrate();
  tsc_to_ns_conv = libk::TickConverter::between(cal.tsc_hz, kNsPerSecond);
  ns_to_tsc_conv = libk::TickConverter::between(kNsPerSecond, cal.tsc_hz);
  ns_to_lapic_conv = libk::TickConverter::between(kNsPerSecond, cal.lapic_timer_hz);
  log::info(
      "time: TSC {} Hz ({}; measured {} Hz against the {}, median of {} x {} us){}", cal.tsc_hz,
      cal.tsc_from_cpuid ? "from CPUID" : "measured", cal.tsc_measured_hz, reference_name(),
      kWindows, cal.reference_window_ns / kNsPerUs,
      cpu::info().invariant_tsc || cpu::info().hypervisor ? "" : "; not invariant, may drift");
  log::info("time: local APIC timer {} Hz (bus clock / 16)", cal.lapic_timer_hz);
}

const Calibration& calibration() { return cal; }

const char* reference_name() {
  switch (cal.reference) {
    case Reference::Hpet: return "HPET";
    case Reference::Pit: return "PIT";
    case Reference::None: return "none";
  }
  return "?";
}

u64 now_ns() { return tsc_to_ns_conv.convert(hal::cpu::rdtsc()); }
u64 tsc_to_ns(u64 cycles) { return tsc_to_ns_conv.convert(cycles); }
u64 ns_to_tsc(u64 ns) { return ns_to_tsc_conv.convert(ns); }
u64 ns_to_lapic_ticks(u64 ns) { return ns_to_lapic_conv.convert(ns); }

libk::Optional<u64> hpet_ns() {
  if (cal.reference != Reference::Hpet) return libk::nullopt;
  return hpet_to_ns_conv.convert(hpet.counter());
}

void spin_ns(u64 ns) {
  u64 end = now_ns() + ns;
  while (now_ns() < end) hal::cpu::pause();
}

}  // namespace kernel::time
