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

constexpr u64 kWindowNs = 50 * kNsPerMs;
constexpr u64 kWarmupNs = 2 * kNsPerMs;
constexpr u64 kFsPerNs = 1'000'000;
// CPUID's TSC frequency is used when the measurement agrees within this (parts per million).
constexpr u64 kCpuidToleranceppm = 10'000;
constexpr u64 kPitPollLimit = 200'000'000;  // bounds a PIT that never counts down

constinit Calibration cal;
constinit hal::Hpet hpet;
constinit u64 hpet_period_fs = 0;
constinit libk::TickConverter tsc_to_ns_conv;
constinit libk::TickConverter ns_to_tsc_conv;
constinit libk::TickConverter ns_to_lapic_conv;
constinit libk::TickConverter hpet_to_ns_conv;

struct Window {
  u64 tsc_cycles;
  u64 reference_ns;
  u64 lapic_ticks;
};

void start_lapic_count() {
  interrupts::local_apic().start_one_shot(interrupts::kTimerVector, 0xFFFF'FFFF,
                                          hal::ApicTimerDivide::By16, /*masked=*/true);
}

// Counts TSC cycles and LAPIC timer ticks while the HPET advances by `ns`.
Window measure_with_hpet(u64 ns) {
  u64 ticks = ns * kFsPerNs / hpet_period_fs;
  u64 mask = hpet.counter_mask();
  start_lapic_count();
  u64 h0 = hpet.counter(), t0 = hal::cpu::rdtsc();
  u32 l0 = interrupts::local_apic().timer_current_count();
  u64 h1 = h0;
  while (((h1 - h0) & mask) < ticks) h1 = hpet.counter();
  u64 t1 = hal::cpu::rdtsc();
  u32 l1 = interrupts::local_apic().timer_current_count();
  return {t1 - t0, ((h1 - h0) & mask) * hpet_period_fs / kFsPerNs, u64(l0 - l1)};
}

// The same against a PIT channel-2 countdown; nullopt if the PIT never finishes.
libk::Optional<Window> measure_with_pit(u64 ns) {
  u64 ticks = ns * hal::pit::kFrequencyHz / kNsPerSecond;
  if (ticks > 0xFFFF) ticks = 0xFFFF;
  start_lapic_count();
  hal::pit::start_countdown(u16(ticks));
  u64 t0 = hal::cpu::rdtsc();
  u32 l0 = interrupts::local_apic().timer_current_count();
  u64 polls = 0;
  while (!hal::pit::countdown_done())
    if (++polls == kPitPollLimit) return libk::nullopt;
  u64 t1 = hal::cpu::rdtsc();
  u32 l1 = interrupts::local_apic().timer_current_count();
  return Window{t1 - t0, ticks * kNsPerSecond / hal::pit::kFrequencyHz, u64(l0 - l1)};
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
  hpet_period_fs = hpet.capabilities().period_fs();
  hpet_to_ns_conv = libk::TickConverter::between(kFsPerNs, hpet_period_fs);  // ticks*fs/1e6
  log::info("time: HPET at {:#x}: {} timers, {}-bit counter, period {} fs ({} Hz)",
            table->address, hpet.capabilities().timers(),
            hpet.capabilities().counter_64bit() ? 64 : 32, hpet_period_fs,
            kFsPerNs * kNsPerSecond / hpet_period_fs);
  return true;
}

libk::Optional<Window> measure(u64 ns) {
  if (cal.reference == Reference::Hpet) return measure_with_hpet(ns);
  if (cal.reference == Reference::Pit) return measure_with_pit(ns);
  return libk::nullopt;
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
  if (m == 0 || diff * 1'000'000 / m <= kCpuidToleranceppm) {
    cal.tsc_hz = c;
    cal.tsc_from_cpuid = true;
  } else {
    log::warn("time: CPUID says the TSC runs at {} Hz but it measures {} Hz; using the measurement",
              c, m);
  }
}

void calibrate() {
  measure(kWarmupNs);  // fills caches (and QEMU's translation cache) before the real window
  auto w = measure(kWindowNs);
  if (w && w->reference_ns > 0) {
    cal.reference_window_ns = w->reference_ns;
    cal.tsc_measured_hz = per_second(w->tsc_cycles, w->reference_ns);
    cal.lapic_timer_hz = per_second(w->lapic_ticks, w->reference_ns);
  }
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
  if (init_hpet()) cal.reference = Reference::Hpet;
  else cal.reference = Reference::Pit;
  calibrate();
  tsc_to_ns_conv = libk::TickConverter::between(cal.tsc_hz, kNsPerSecond);
  ns_to_tsc_conv = libk::TickConverter::between(kNsPerSecond, cal.tsc_hz);
  ns_to_lapic_conv = libk::TickConverter::between(kNsPerSecond, cal.lapic_timer_hz);
  log::info("time: TSC {} Hz ({}; measured {} Hz against the {} over {} us){}", cal.tsc_hz,
            cal.tsc_from_cpuid ? "from CPUID" : "measured", cal.tsc_measured_hz, reference_name(),
            cal.reference_window_ns / kNsPerUs,
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
