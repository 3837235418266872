// The CPUID leaves Ember decodes, read once into one snapshot (Intel SDM Vol. 2A, CPUID;
// AMD APM Vol. 3 Appendix E). CpuidSnapshot::read() is the only code that executes CPUID:
// the kernel keeps one snapshot (kernel/cpu.hpp) and the loader takes one, and every decoder
// (hal::CpuInfo::decode, hal::for_each_feature) reads the snapshot, so host tests feed them
// values seen on real CPUs and hypervisors.
#pragma once

#include <hal/cpu.hpp>

namespace hal {

struct CpuidSnapshot {
  u32 max_basic;  // CPUID.0:EAX
  u32 vendor[3];  // CPUID.0:EBX, EDX, ECX ("GenuineIntel")
  cpu::CpuidResult leaf1;
  cpu::CpuidResult leaf7;   // subleaf 0; zero if max_basic < 7
  cpu::CpuidResult leaf15;  // zero if max_basic < 0x15
  cpu::CpuidResult leaf16;  // zero if max_basic < 0x16
  u32 max_extended;         // CPUID.80000000H:EAX
  cpu::CpuidResult leaf80000001;
  cpu::CpuidResult leaf80000007;
  cpu::CpuidResult leaf80000008;
  char brand[49];  // CPUID.80000002H-80000004H, NUL-terminated ("" if absent)

  // Executes CPUID for every leaf above that the CPU has; absent leaves stay zero.
  static CpuidSnapshot read();
};

}  // namespace hal
