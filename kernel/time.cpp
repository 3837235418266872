#include "time.hpp"

#include <hal/cpu.hpp>
#include <hal/reference_clock.hpp>
#include <libk/calibration.hpp>
#include <libk/tick_converter.hpp>

#include "acpi.hpp"
#include "cpu/info.hpp"
#include "interrupts.hpp"
#include "log.hpp"

namespace kernel::time {

namespace {

// 3 windows of 30 ms after a 2 ms warm-up, each sample the tightest of 5 brackets
// (libk/calibration.hpp).
constexpr libk::calibration::Config kCalibration{};
constexpr u64 kFsPerNs = 1'000'000;

constinit Calibration cal;
constinit hal::ReferenceClock reference;
constinit libk::TickConverter tsc_to_ns_conv;
constinit libk::TickConverter ns_to_tsc_conv;
constinit libk::TickConverter ns_to_lapic_conv;
constinit u64 kernel_entry_tsc = 0;

// The HPET from the ACPI HPET table, when there is one that works; else the PIT.
void choose_reference() {
  cal.reference = Reference::Pit;
  reference = hal::ReferenceClock::pit();
  const libk::acpi::HpetTable* table = acpi::hpet();
  if (table == nullptr) return;
  auto hpet = hal::ReferenceClock::hpet(table->address);
  if (!hpet) {
    if (hpet.error() == hal::ReferenceClock::HpetError::BadPeriod)
      log::warn("time: the HPET at {:#x} reports an invalid period; not using it", table->address);
    else
      log::warn("time: the HPET at {:#x} is not reachable; not using it", table->address);
    return;
  }
  cal.reference = Reference::Hpet;
  reference = hpet.value();
  hal::HpetCapabilities caps = reference.hpet_capabilities();
  log::info("time: HPET at {:#x}: {} timers, {}-bit counter, period {} fs ({} Hz)", table->address,
            caps.timers(), caps.counter_64bit() ? 64 : 32, caps.period_fs(),
            kFsPerNs * kNsPerSecond / caps.period_fs());
}

void calibrate() {
  libk::calibration::Measurement m = hal::calibrate_tsc_and_apic_timer(
      reference, interrupts::local_apic(), interrupts::kTimerVector, kCalibration);
  if (m.reference_stopped)
    log::error("time: the {} does not count; cannot calibrate against it", reference_name());
  cal.reference_window_ns = m.window_ns;
  cal.tsc_measured_hz = m.tsc_hz;
  if (auto f = cpu::info().tsc_frequency) cal.tsc_cpuid_hz = f->hz;
  auto tsc = libk::calibration::choose_tsc_frequency(m.tsc_hz, cal.tsc_cpuid_hz);
  if (tsc.cpuid_disagrees)
    log::warn("time: CPUID says the TSC runs at {} Hz but it measures {} Hz; using the measurement",
              cal.tsc_cpuid_hz, m.tsc_hz);
  if (tsc.assumed)
    log::error("time: no reference clock and no CPUID frequency; assuming a 2 GHz TSC");
  cal.tsc_hz = tsc.hz;
  cal.tsc_from_cpuid = tsc.from_cpuid;
  cal.lapic_timer_hz = libk::calibration::choose_lapic_timer_frequency(m.lapic_timer_hz);
}

}  // namespace

void init() {
  choose_reference();
  calibrate();
  tsc_to_ns_conv = libk::TickConverter::between(cal.tsc_hz, kNsPerSecond);
  ns_to_tsc_conv = libk::TickConverter::between(kNsPerSecond, cal.tsc_hz);
  ns_to_lapic_conv = libk::TickConverter::between(kNsPerSecond, cal.lapic_timer_hz);
  log::info(
      "time: TSC {} Hz ({}; measured {} Hz against the {}, median of {} x {} us){}", cal.tsc_hz,
      cal.tsc_from_cpuid ? "from CPUID" : "measured", cal.tsc_measured_hz, reference_name(),
      kCalibration.windows, cal.reference_window_ns / kNsPerUs,
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
void note_kernel_entry(u64 tsc) { kernel_entry_tsc = tsc; }
u64 since_kernel_entry_ns() { return tsc_to_ns(hal::cpu::rdtsc() - kernel_entry_tsc); }
u64 ns_to_tsc(u64 ns) { return ns_to_tsc_conv.convert(ns); }
u64 ns_to_lapic_ticks(u64 ns) { return ns_to_lapic_conv.convert(ns); }

libk::Optional<u64> hpet_ns() {
  if (cal.reference != Reference::Hpet) return libk::nullopt;
  return reference.ns();
}

void spin_ns(u64 ns) {
  u64 end = now_ns() + ns;
  while (now_ns() < end) hal::cpu::pause();
}

}  // namespace kernel::time
