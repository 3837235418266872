#include <hal/hpet.hpp>
#include <hal/mmio.hpp>

namespace hal {

namespace {
// Register offsets — HPET spec §2.3.1, Table 2-3.
constexpr u64 kCapabilities = 0x000;
constexpr u64 kConfiguration = 0x010;
constexpr u64 kMainCounter = 0x0F0;
constexpr u64 kTimerConfiguration = 0x100;  // timer n at 0x100 + 0x20 * n
constexpr u64 kTimerStride = 0x20;
}  // namespace

HpetCapabilities Hpet::capabilities() const {
  return HpetCapabilities(mmio::read64(regs_, kCapabilities));
}

bool Hpet::enable() {
  HpetCapabilities caps = capabilities();
  if (caps.period_fs() == 0 || caps.period_fs() > kMaxPeriodFs) return false;
  mask_ = caps.counter_64bit() ? ~u64{0} : 0xFFFF'FFFFull;
  for (u32 t = 0; t < caps.timers(); ++t) {
    u64 offset = kTimerConfiguration + kTimerStride * t;
    auto timer = HpetTimerConfiguration(mmio::read64(regs_, offset));
    mmio::write64(regs_, offset, timer.set_interrupt_enable(false).raw());
  }
  auto config = HpetConfiguration(mmio::read64(regs_, kConfiguration));
  mmio::write64(regs_, kConfiguration, config.set_legacy_replacement(false).set_enable(true).raw());
  return true;
}

u64 Hpet::counter() const { return mmio::read64(regs_, kMainCounter) & mask_; }

}  // namespace hal
