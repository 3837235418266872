#include <hal/lapic.hpp>
#include <hal/mmio.hpp>

namespace hal {

u32 XApicRegisters::read(ApicRegister r) { return mmio::read32(page_, u16(r)); }

void XApicRegisters::write(ApicRegister r, u32 value) { mmio::write32(page_, u16(r), value); }

void LocalApic::enable(u8 spurious_vector) {
  regs_->write(ApicRegister::TaskPriority, 0);
  regs_->write(ApicRegister::SpuriousVector, kSoftwareEnable | spurious_vector);
  u32 masked = u32(LvtEntry::masked().raw());
  regs_->write(ApicRegister::LvtTimer, masked);
  regs_->write(ApicRegister::LvtLint0, masked);
  regs_->write(ApicRegister::LvtLint1, masked);
  regs_->write(ApicRegister::LvtError, masked);
  // Thermal and performance-counter entries exist only with more than 4 LVT entries
  // (§11.5.1: the version register's "Max LVT Entry").
  if (lvt_entries() > 4) {
    regs_->write(ApicRegister::LvtThermal, masked);
    regs_->write(ApicRegister::LvtPerformance, masked);
  }
  error_status();
}

u32 LocalApic::error_status() {
  regs_->write(ApicRegister::ErrorStatus, 0);
  return regs_->read(ApicRegister::ErrorStatus);
}

void LocalApic::start_one_shot(u8 vector, u32 count, ApicTimerDivide divide, bool masked) {
  regs_->write(ApicRegister::TimerDivide, u8(divide));
  LvtEntry lvt = LvtEntry(0).set_vector(vector).set_timer_mode(LvtEntry::TimerMode::OneShot);
  regs_->write(ApicRegister::LvtTimer, u32(lvt.set_masked(masked).raw()));
  regs_->write(ApicRegister::TimerInitialCount, count);  // writing the count starts it
}

void LocalApic::stop_timer() {
  regs_->write(ApicRegister::TimerInitialCount, 0);
  regs_->write(ApicRegister::LvtTimer, u32(LvtEntry::masked().raw()));
}

void LocalApic::enter_tsc_deadline_mode(u8 vector) {
  regs_->write(
      ApicRegister::LvtTimer,
      u32(LvtEntry(0).set_vector(vector).set_timer_mode(LvtEntry::TimerMode::TscDeadline).raw()));
  // §11.5.4.1: the LVT write must complete before a later WRMSR to IA32_TSC_DEADLINE, which
  // is not serializing in x2APIC mode; MFENCE orders them.
  cpu::mfence();
}

}  // namespace hal
