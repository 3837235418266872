// Machine-check architecture (Intel SDM Vol. 3B chapter 16): enabling #MC delivery and
// reading the error-reporting banks for a crash report.
#pragma once

#include <hal/cpu_info.hpp>
#include <libk/types.hpp>

namespace hal::machine_check {

// Sets CR4.MCE when CPUID says the CPU has machine-check exceptions (CPUID.1:EDX[7]), and
// records whether it has the MCA banks (CPUID.1:EDX[14]) for the readers below. Without
// CR4.MCE a machine check shuts the processor down instead of raising #MC (SDM Vol. 3A
// §2.5). Returns whether #MC is now enabled. Call once, at boot.
bool enable(const CpuInfo& cpu);

struct Bank {
  u32 index;
  u64 status;   // IA32_MCi_STATUS; bit 63 VAL says it holds an error
  u64 address;  // IA32_MCi_ADDR when status.ADDRV (bit 58), else 0
};

// IA32_MCG_STATUS (RIPV bit 0, EIPV bit 1, MCIP bit 2), or 0 without MCA.
u64 global_status();

// Calls `visit` for each bank with a valid error (MCA only: CPUID.1:EDX[14]); returns how
// many banks the CPU has.
u32 for_each_error(void (*visit)(const Bank& bank, void* context), void* context);

}  // namespace hal::machine_check
