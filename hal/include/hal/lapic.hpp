// The local APIC (Intel SDM Vol. 3A chapter 11), in xAPIC mode (memory-mapped registers) or
// x2APIC mode (MSRs 0x800-0x8FF, §11.12). The two differ only in how a register is reached,
// so LocalApic works through an ApicRegisters access path; the x2APIC path runs on the host
// against a fake MsrIo (QEMU 7.2's TCG does not emulate x2APIC).
#pragma once

#include <hal/msr.hpp>
#include <hal/registers.hpp>

namespace hal {

// Register offsets in the xAPIC page — SDM Vol. 3A §11.4.1, Table 11-1. The x2APIC MSR of a
// register is 0x800 + (offset >> 4) — §11.12.1.2, Table 11-6.
enum class ApicRegister : u16 {
  Id = 0x020,
  Version = 0x030,
  TaskPriority = 0x080,
  Eoi = 0x0B0,
  SpuriousVector = 0x0F0,
  InService0 = 0x100,  // ISR bits 0-31; ISR n at 0x100 + 0x10 * n (§11.8.4)
  ErrorStatus = 0x280,
  LvtTimer = 0x320,
  LvtThermal = 0x330,
  LvtPerformance = 0x340,
  LvtLint0 = 0x350,
  LvtLint1 = 0x360,
  InterruptCommandLow = 0x300,   // xAPIC: writing it sends the IPI (§11.6.1)
  InterruptCommandHigh = 0x310,  // xAPIC: the destination, bits 31:24
  LvtError = 0x370,
  TimerInitialCount = 0x380,
  TimerCurrentCount = 0x390,
  TimerDivide = 0x3E0,
};

constexpr u32 x2apic_msr(ApicRegister r) { return msr::kX2ApicFirst + (u32(r) >> 4); }

class ApicRegisters {
 public:
  virtual u32 read(ApicRegister r) = 0;
  virtual void write(ApicRegister r, u32 value) = 0;
  // The APIC ID: bits 31:24 of the ID register in xAPIC mode, all 32 bits in x2APIC mode.
  virtual u32 id() = 0;
  virtual bool x2apic() const = 0;
  // Writes the 64-bit interrupt command register, which sends the IPI it describes.
  virtual void write_icr(u64 value) = 0;
  // xAPIC: the previous IPI is still being sent (the ICR's delivery status).
  virtual bool icr_busy() = 0;

 protected:
  ~ApicRegisters() = default;
};

// xAPIC: 32-bit accesses to the 4 KiB register page (SDM Vol. 3A §11.4.1: registers are
// 16-byte aligned and must be accessed with aligned 32-bit loads and stores).
class XApicRegisters final : public ApicRegisters {
 public:
  constexpr explicit XApicRegisters(volatile void* page) : page_(page) {}
  u32 read(ApicRegister r) override;
  void write(ApicRegister r, u32 value) override;
  u32 id() override { return read(ApicRegister::Id) >> 24; }
  bool x2apic() const override { return false; }
  // §11.6.1: the high half first; writing the low half sends the IPI.
  void write_icr(u64 value) override {
    write(ApicRegister::InterruptCommandHigh, u32(value >> 32));
    write(ApicRegister::InterruptCommandLow, u32(value));
  }
  bool icr_busy() override;

 private:
  volatile void* page_;
};

// x2APIC: one MSR per register. EOI must be written with 0 (§11.12.1.2: a non-zero write
// raises #GP).
class X2ApicRegisters final : public ApicRegisters {
 public:
  constexpr explicit X2ApicRegisters(MsrIo& msrs) : msrs_(&msrs) {}
  u32 read(ApicRegister r) override { return u32(msrs_->read(x2apic_msr(r))); }
  void write(ApicRegister r, u32 value) override { msrs_->write(x2apic_msr(r), value); }
  u32 id() override { return read(ApicRegister::Id); }
  bool x2apic() const override { return true; }
  // §11.12.9: one 64-bit MSR (0x830), written at once; there is no delivery status.
  void write_icr(u64 value) override {
    msrs_->write(x2apic_msr(ApicRegister::InterruptCommandLow), value);
  }
  bool icr_busy() override { return false; }

 private:
  MsrIo* msrs_;
};

// A local vector table entry — SDM Vol. 3A §11.5.1, Figure 11-8. Not every field exists in
// every entry (timer mode only in the timer's, polarity and trigger only in LINT0/1's).
class LvtEntry : public detail::BitRegister<LvtEntry> {
 public:
  enum class Delivery : u8 { Fixed = 0, Smi = 2, Nmi = 4, Init = 5, ExtInt = 7 };
  enum class TimerMode : u8 { OneShot = 0, Periodic = 1, TscDeadline = 2 };

  using BitRegister::BitRegister;
  HAL_FIELD(u8, 7, 0, vector);
  HAL_FIELD(Delivery, 10, 8, delivery);
  HAL_BIT(12, send_pending);     // delivery status (read-only)
  HAL_BIT(13, active_low);       // interrupt input pin polarity
  HAL_BIT(14, remote_irr);       // read-only
  HAL_BIT(15, level_triggered);  // trigger mode
  HAL_BIT(16, masked);
  HAL_FIELD(TimerMode, 18, 17, timer_mode);
};

// The interrupt command register — SDM Vol. 3A §11.6.1, Figure 11-12 (xAPIC: the destination
// is bits 63:56), and §11.12.9, Figure 11-28 (x2APIC: bits 63:32).
class InterruptCommand : public detail::BitRegister<InterruptCommand> {
 public:
  enum class Delivery : u8 {
    Fixed = 0,
    LowestPriority = 1,
    Smi = 2,
    Nmi = 4,
    Init = 5,
    StartUp = 6
  };
  enum class Shorthand : u8 { None = 0, Self = 1, AllIncludingSelf = 2, AllExcludingSelf = 3 };

  using BitRegister::BitRegister;
  HAL_FIELD(u8, 7, 0, vector);  // for a start-up IPI: the page number of the start address
  HAL_FIELD(Delivery, 10, 8, delivery);
  HAL_BIT(11, logical_destination);
  HAL_BIT(12, send_pending);  // xAPIC delivery status (read-only)
  HAL_BIT(14, assert_level);  // 1 for every IPI but the INIT level de-assert
  HAL_BIT(15, level_triggered);
  HAL_FIELD(Shorthand, 19, 18, shorthand);
  HAL_FIELD(u8, 63, 56, xapic_destination);
  HAL_FIELD(u32, 63, 32, x2apic_destination);
};

// The spurious-interrupt vector register — SDM Vol. 3A §11.9, Figure 11-23.
class SpuriousVectorRegister : public detail::BitRegister<SpuriousVectorRegister> {
 public:
  using BitRegister::BitRegister;
  HAL_FIELD(u8, 7, 0, vector);
  HAL_BIT(8, software_enable);  // the APIC software enable (§11.4.3)
  HAL_BIT(9, no_focus_check);
  HAL_BIT(12, suppress_eoi_broadcast);
};

// The local APIC version register — SDM Vol. 3A §11.4.8, Figure 11-7.
class ApicVersion : public detail::BitRegister<ApicVersion> {
 public:
  using BitRegister::BitRegister;
  HAL_FIELD(u8, 7, 0, version);
  HAL_FIELD(u8, 23, 16, max_lvt_entry);  // the number of LVT entries minus 1
  HAL_BIT(24, eoi_broadcast_suppression);
};

// Timer divide configuration — SDM Vol. 3A §11.5.4, Figure 11-10 (bits 0, 1 and 3).
enum class ApicTimerDivide : u8 {
  By1 = 0xB,
  By2 = 0x0,
  By4 = 0x1,
  By8 = 0x2,
  By16 = 0x3,
  By32 = 0x8,
  By64 = 0x9,
  By128 = 0xA
};

class LocalApic {
 public:
  constexpr explicit LocalApic(ApicRegisters& regs) : regs_(&regs) {}

  // Software-enables the APIC with `spurious_vector`, accepts every priority (TPR = 0), masks
  // every local interrupt source and clears stale errors. Program LINTs and the timer after.
  void enable(u8 spurious_vector);

  u32 id() { return regs_->id(); }
  bool software_enabled() { return spurious().software_enable(); }
  u8 spurious_vector() { return spurious().vector(); }
  u8 version() { return version_register().version(); }
  u8 lvt_entries() { return u8(version_register().max_lvt_entry() + 1); }
  bool x2apic() const { return regs_->x2apic(); }

  // Sends `command` to the CPU whose APIC ID is `destination` (physical destination mode),
  // after the previous IPI left (xAPIC: bounded; false if it never did). In xAPIC mode the
  // ID must fit 8 bits (false otherwise). Context: interrupts off (§11.6.1: the ICR is
  // shared by everything on this CPU that sends).
  [[nodiscard]] bool send_ipi(u32 destination, InterruptCommand command);
  // Sends `command` to every CPU but this one (the "all excluding self" shorthand).
  [[nodiscard]] bool broadcast_ipi(InterruptCommand command);

  // End of interrupt for the in-service interrupt with the highest priority (§11.8.5).
  void eoi() { regs_->write(ApicRegister::Eoi, 0); }
  // Whether `vector` is in service at this APIC (its ISR bit, §11.8.4): true for an
  // interrupt the APIC delivered and that still needs an EOI.
  bool in_service(u8 vector) {
    auto reg = ApicRegister(u16(ApicRegister::InService0) + 0x10 * (vector / 32));
    return regs_->read(reg) >> (vector % 32) & 1;
  }

  void set_lint(u8 lint, LvtEntry entry) {
    write(lint == 0 ? ApicRegister::LvtLint0 : ApicRegister::LvtLint1, entry);
  }
  LvtEntry lint(u8 lint) {
    return LvtEntry(regs_->read(lint == 0 ? ApicRegister::LvtLint0 : ApicRegister::LvtLint1));
  }
  void set_error_vector(u8 vector) {
    write(ApicRegister::LvtError, LvtEntry(0).set_vector(vector));
  }
  // Reads and clears the error status (§11.5.3: write before reading to latch it).
  u32 error_status();

  // The timer (§11.5.4). One-shot: interrupt `vector` after `count` ticks of the bus clock
  // divided by `divide`; a count of 0 stops it. With `masked`, it counts without
  // interrupting (for calibration).
  void start_one_shot(u8 vector, u32 count, ApicTimerDivide divide, bool masked = false);
  void stop_timer();
  u32 timer_current_count() { return regs_->read(ApicRegister::TimerCurrentCount); }
  LvtEntry timer_lvt() { return LvtEntry(regs_->read(ApicRegister::LvtTimer)); }

  // TSC-deadline mode (§11.5.4.1): the timer fires when the TSC reaches the value written to
  // IA32_TSC_DEADLINE; writing 0 disarms it. Only when CPUID.1:ECX[24] says so.
  void enter_tsc_deadline_mode(u8 vector);
  static void set_tsc_deadline(MsrIo& msrs, u64 tsc) { msrs.write(msr::kTscDeadline, tsc); }

 private:
  SpuriousVectorRegister spurious() {
    return SpuriousVectorRegister(regs_->read(ApicRegister::SpuriousVector));
  }
  ApicVersion version_register() { return ApicVersion(regs_->read(ApicRegister::Version)); }
  // The APIC's registers are 32 bits wide (the x2APIC ICR excepted, §11.12.9).
  template <typename Register>
  void write(ApicRegister r, Register value) {
    regs_->write(r, u32(value.raw()));
  }

  bool wait_icr_idle();

  ApicRegisters* regs_;
};

}  // namespace hal
