#include <hal/ioapic.hpp>
#include <hal/mmio.hpp>

namespace hal {

namespace {
constexpr u64 kSelect = 0x00;
constexpr u64 kWindow = 0x10;
}  // namespace

u32 MmioIoApicWindow::read(u8 index) {
  mmio::write32(base_, kSelect, index);
  return mmio::read32(base_, kWindow);
}

void MmioIoApicWindow::write(u8 index, u32 value) {
  mmio::write32(base_, kSelect, index);
  mmio::write32(base_, kWindow, value);
}

RedirectionEntry IoApic::entry(u32 index) {
  u8 reg = u8(kRegisterRedirectionBase + 2 * index);
  u64 low = window_->read(reg);
  u64 high = window_->read(u8(reg + 1));
  return RedirectionEntry(high << 32 | low);
}

void IoApic::set_entry(u32 index, RedirectionEntry entry) {
  u8 reg = u8(kRegisterRedirectionBase + 2 * index);
  u32 low = u32(entry.raw());
  window_->write(reg, u32(RedirectionEntry(low).set_masked(true).raw()));
  window_->write(u8(reg + 1), u32(entry.raw() >> 32));
  window_->write(reg, low);
}

void IoApic::mask_all() {
  for (u32 i = 0; i < entries(); ++i) set_entry(i, RedirectionEntry(0).set_masked(true));
}

}  // namespace hal
