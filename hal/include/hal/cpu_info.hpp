// What CPUID says about the interrupt controller and time-stamp counter (Intel SDM Vol. 2A,
// CPUID; Tables 3-8 to 3-10; AMD APM Vol. 3 Appendix E). Decoding is pure: `decode` takes
// raw leaves, so host tests feed it values seen on real CPUs and hypervisors.
#pragma once

#include <hal/cpu.hpp>
#include <libk/optional.hpp>
#include <libk/types.hpp>

namespace hal {

struct CpuidLeaves {
  u32 max_basic;  // CPUID.0:EAX
  u32 vendor[3];  // CPUID.0:EBX, EDX, ECX ("GenuineIntel")
  cpu::CpuidResult leaf1;
  cpu::CpuidResult leaf15;  // zero if max_basic < 0x15
  cpu::CpuidResult leaf16;  // zero if max_basic < 0x16
  u32 max_extended;         // CPUID.80000000H:EAX
  cpu::CpuidResult leaf80000007;
  char brand[49];  // CPUID.80000002H-80000004H, NUL-terminated ("" if absent)

  static CpuidLeaves read();  // executes CPUID (kernel only)
};

struct TscFrequency {
  u64 hz;
  enum class Source : u8 { Leaf15Crystal, Leaf16BaseFrequency } source;
  u32 crystal_hz;   // CPUID.15H:ECX, 0 if not enumerated
  u32 numerator;    // CPUID.15H:EBX
  u32 denominator;  // CPUID.15H:EAX
};

struct CpuInfo {
  char vendor[13];
  u8 family, model, stepping;
  bool apic;                                   // CPUID.1:EDX[9]
  bool x2apic;                                 // CPUID.1:ECX[21]
  bool tsc_deadline;                           // CPUID.1:ECX[24]
  bool hypervisor;                             // CPUID.1:ECX[31]
  bool invariant_tsc;                          // CPUID.80000007H:EDX[8]
  libk::Optional<TscFrequency> tsc_frequency;  // from leaves 0x15/0x16 when they give it

  static CpuInfo decode(const CpuidLeaves& leaves);
};

// The TSC frequency CPUID reports, if any (SDM Vol. 3B §18.7.3, CPUID leaf 15H):
// TSC = crystal × EBX / EAX when leaf 0x15 enumerates the crystal (ECX != 0); when it gives
// the ratio but not the crystal, the processor base frequency from leaf 0x16 (EAX, MHz),
// which equals the TSC frequency on the processors that report it this way.
libk::Optional<TscFrequency> tsc_frequency_from_cpuid(u32 max_basic, cpu::CpuidResult leaf15,
                                                      cpu::CpuidResult leaf16);

}  // namespace hal
