// What CPUID says about this CPU that Ember acts on: the interrupt controller, the time-stamp
// counter, paging and machine checks (Intel SDM Vol. 2A, CPUID; Tables 3-8 to 3-10; AMD APM
// Vol. 3 Appendix E). Decoding is pure: `decode` takes a snapshot of the raw leaves
// (hal/cpuid.hpp), so host tests feed it values seen on real CPUs and hypervisors. Built for
// the kernel, the loader and the host.
#pragma once

#include <hal/cpuid.hpp>
#include <libk/optional.hpp>
#include <libk/types.hpp>

namespace hal {

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
  bool rdrand;                                 // CPUID.1:ECX[30]
  bool invariant_tsc;                          // CPUID.80000007H:EDX[8]
  libk::Optional<TscFrequency> tsc_frequency;  // from leaves 0x15/0x16 when they give it
  bool machine_check_exception;                // CPUID.1:EDX[7] (MCE): CR4.MCE works
  bool machine_check_architecture;             // CPUID.1:EDX[14] (MCA): the MCi banks
  bool global_pages;                           // CPUID.1:EDX[13] (PGE)
  bool pat;                                    // CPUID.1:EDX[16]
  bool nx;                                     // CPUID.80000001H:EDX[20]
  bool huge_pages_1g;                          // CPUID.80000001H:EDX[26]
  bool smep;                                   // CPUID.(EAX=7,ECX=0):EBX[7]
  bool smap;                                   // CPUID.(EAX=7,ECX=0):EBX[20]
  bool umip;                                   // CPUID.(EAX=7,ECX=0):ECX[2]
  u8 physical_address_bits;                    // CPUID.80000008H:EAX[7:0]; 36 without it

  static CpuInfo decode(const CpuidSnapshot& leaves);
};

// The TSC frequency CPUID reports, if any (SDM Vol. 3B §18.7.3, CPUID leaf 15H):
// TSC = crystal × EBX / EAX when leaf 0x15 enumerates the crystal (ECX != 0); when it gives
// the ratio but not the crystal, the processor base frequency from leaf 0x16 (EAX, MHz),
// which equals the TSC frequency on the processors that report it this way.
libk::Optional<TscFrequency> tsc_frequency_from_cpuid(u32 max_basic, cpu::CpuidResult leaf15,
                                                      cpu::CpuidResult leaf16);

}  // namespace hal
