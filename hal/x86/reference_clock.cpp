#include <hal/cpu.hpp>
#include <hal/mmio.hpp>
#include <hal/pit.hpp>
#include <hal/reference_clock.hpp>

namespace hal {

namespace {

constexpr u64 kHpetRegisterBytes = 1024;  // HPET spec §2.3.1: a 1 KiB register block
constexpr u64 kFsPerNs = 1'000'000;
constexpr u64 kPitMask = 0xFFFF;  // channel 2's 16-bit count
constexpr u32 kApicTimerStart = 0xFFFF'FFFF;

// The calibration's view of the hardware: TSC, reference, local APIC timer.
class HardwareClocks final : public libk::calibration::Clocks {
 public:
  HardwareClocks(ReferenceClock& reference, LocalApic& lapic, u8 vector)
      : reference_(reference), lapic_(lapic), vector_(vector) {}

  void start_window() override {
    reference_.restart();
    lapic_.start_one_shot(vector_, kApicTimerStart, ApicTimerDivide::By16, /*masked=*/true);
  }
  u64 tsc() override { return cpu::rdtsc(); }
  u64 reference() override { return reference_.ticks(); }
  u32 lapic_count() override { return lapic_.timer_current_count(); }

 private:
  ReferenceClock& reference_;
  LocalApic& lapic_;
  u8 vector_;
};

}  // namespace

libk::Result<ReferenceClock, ReferenceClock::HpetError> ReferenceClock::hpet(u64 address) {
  volatile void* registers = mmio::map(address, kHpetRegisterBytes);
  if (registers == nullptr) return libk::unexpected(HpetError::Unreachable);
  ReferenceClock clock;
  clock.hpet_ = Hpet(registers);
  if (!clock.hpet_.enable()) return libk::unexpected(HpetError::BadPeriod);
  clock.kind_ = Kind::Hpet;
  // ticks * period_fs / 10^6 = ns
  clock.to_ns_ = libk::TickConverter::between(kFsPerNs, clock.hpet_.capabilities().period_fs());
  return clock;
}

ReferenceClock ReferenceClock::pit() {
  ReferenceClock clock;
  clock.to_ns_ = libk::TickConverter::between(pit::kFrequencyHz, libk::calibration::kNsPerSecond);
  return clock;
}

u64 ReferenceClock::ticks() const {
  if (kind_ == Kind::Hpet) return hpet_.counter();
  return kPitMask - pit::counter();  // counts down from 0xFFFF
}

u64 ReferenceClock::mask() const { return kind_ == Kind::Hpet ? hpet_.counter_mask() : kPitMask; }

void ReferenceClock::restart() {
  if (kind_ == Kind::Pit) pit::start_counter();
}

libk::calibration::Measurement calibrate_tsc_and_apic_timer(
    ReferenceClock& reference, LocalApic& lapic, u8 vector,
    const libk::calibration::Config& config) {
  HardwareClocks clocks(reference, lapic, vector);
  libk::calibration::Measurement m = libk::calibration::measure(clocks, reference.scale(), config);
  lapic.stop_timer();
  return m;
}

}  // namespace hal
