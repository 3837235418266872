#include <hal/lapic.hpp>
#include <hal/mmio.hpp>

namespace hal {

u32 XApicRegisters::read(ApicRegister r) { return mmio::read32(page_, u16(r)); }

void XApicRegisters::write(ApicRegister r, u32 value) { mmio::write32(page_, u16(r), value); }

void LocalApic::enable(u8 spurious_vector) {
  regs_->write(ApicRegister::TaskPriority, 0);
  write(ApicRegister::SpuriousVector,
        SpuriousVectorRegister(0).set_software_enable(true).set_vector(spurious_vector));
  LvtEntry masked = LvtEntry(0).set_masked(true);
  write(ApicRegister::LvtTimer, masked);
  write(ApicRegister::LvtLint0, masked);
  write(ApicRegister::LvtLint1, masked);
  write(ApicRegister::LvtError, masked);
  // Thermal and performance-counter entries exist only with more than 4 LVT entries
  // (§11.5.1: the version register's "Max LVT Entry").
  if (lvt_entries() > 4) {
    write(ApicRegister::LvtThermal, masked);
    write(ApicRegister::LvtPerformance, masked);
  }
  error_status();
}

bool XApicRegisters::icr_busy() {
  return InterruptCommand(read(ApicRegister::InterruptCommandLow)).send_pending();
}

// An IPI leaves the local APIC within a few bus cycles; this bound only keeps a broken APIC
// from hanging the sender.
bool LocalApic::wait_icr_idle() {
  for (u32 spins = 0; spins < 1'000'000; ++spins) {
    if (!regs_->icr_busy()) return true;
    cpu::pause();
  }
  return false;
}

bool LocalApic::send_ipi(u32 destination, InterruptCommand command) {
  if (!regs_->x2apic() && destination > 0xFF) return false;
  if (!wait_icr_idle()) return false;
  command.set_logical_destination(false).set_shorthand(InterruptCommand::Shorthand::None);
  if (regs_->x2apic())
    command.set_x2apic_destination(destination);
  else
    command.set_xapic_destination(u8(destination));
  regs_->write_icr(command.raw());
  return true;
}

bool LocalApic::broadcast_ipi(InterruptCommand command) {
  if (!wait_icr_idle()) return false;
  regs_->write_icr(command.set_shorthand(InterruptCommand::Shorthand::AllExcludingSelf).raw());
  return true;
}

u32 LocalApic::error_status() {
  regs_->write(ApicRegister::ErrorStatus, 0);
  return regs_->read(ApicRegister::ErrorStatus);
}

void LocalApic::start_one_shot(u8 vector, u32 count, ApicTimerDivide divide, bool masked) {
  regs_->write(ApicRegister::TimerDivide, u8(divide));
  write(ApicRegister::LvtTimer, LvtEntry(0)
                                    .set_vector(vector)
                                    .set_timer_mode(LvtEntry::TimerMode::OneShot)
                                    .set_masked(masked));
  regs_->write(ApicRegister::TimerInitialCount, count);  // writing the count starts it
}

void LocalApic::stop_timer() {
  regs_->write(ApicRegister::TimerInitialCount, 0);
  write(ApicRegister::LvtTimer, LvtEntry(0).set_masked(true));
}

void LocalApic::enter_tsc_deadline_mode(u8 vector) {
  write(ApicRegister::LvtTimer,
        LvtEntry(0).set_vector(vector).set_timer_mode(LvtEntry::TimerMode::TscDeadline));
  // §11.5.4.1: the LVT write must complete before a later WRMSR to IA32_TSC_DEADLINE, which
  // is not serializing in x2APIC mode; MFENCE orders them.
  cpu::mfence();
}

}  // namespace hal
