// Model-specific registers through an interface, so register-level code (the local APIC in
// x2APIC mode, the TSC-deadline timer) is tested on the host against a fake, as Zircon does.
// Architectural MSR numbers: Intel SDM Vol. 4, Table 2-2.
#pragma once

#include <hal/cpu.hpp>
#include <hal/registers.hpp>

namespace hal {

class MsrIo {
 public:
  virtual u64 read(u32 msr) = 0;
  virtual void write(u32 msr, u64 value) = 0;

 protected:
  ~MsrIo() = default;
};

// The real thing: RDMSR/WRMSR on this CPU. Context: ring 0.
class CpuMsrIo final : public MsrIo {
 public:
  u64 read(u32 msr) override { return cpu::rdmsr(msr); }
  void write(u32 msr, u64 value) override { cpu::wrmsr(msr, value); }
};

namespace msr {
inline constexpr u32 kApicBase = 0x1B;       // IA32_APIC_BASE
inline constexpr u32 kTscDeadline = 0x6E0;   // IA32_TSC_DEADLINE
inline constexpr u32 kGsBase = 0xC000'0101;  // IA32_GS_BASE: the GS segment's base in 64-bit mode
// SYSCALL/SYSRET (SDM Vol. 3A §5.8.8): selectors, entry point, RFLAGS mask.
inline constexpr u32 kStar = 0xC000'0081;          // IA32_STAR
inline constexpr u32 kLstar = 0xC000'0082;         // IA32_LSTAR: the 64-bit entry point
inline constexpr u32 kFmask = 0xC000'0084;         // IA32_FMASK: RFLAGS bits SYSCALL clears
inline constexpr u32 kKernelGsBase = 0xC000'0102;  // IA32_KERNEL_GS_BASE: SWAPGS's other half
inline constexpr u32 kX2ApicFirst = 0x800;         // x2APIC registers: 0x800 + (xAPIC offset >> 4)
inline constexpr u32 kX2ApicLast = 0x8FF;
}  // namespace msr

// IA32_APIC_BASE — SDM Vol. 3A §11.4.4, Figure 11-5, and §11.12.1 (EXTD).
class ApicBase : public detail::BitRegister<ApicBase> {
 public:
  using BitRegister::BitRegister;
  static ApicBase read(MsrIo& io) { return ApicBase(io.read(msr::kApicBase)); }
  void write(MsrIo& io) const { io.write(msr::kApicBase, raw_); }
  HAL_BIT(8, bsp);
  HAL_BIT(10, x2apic);   // EXTD
  HAL_BIT(11, enabled);  // EN: the APIC global enable
  HAL_ADDRESS(51, 12, base);
};

}  // namespace hal
