#include <hal/cpu_info.hpp>

namespace hal {

namespace {

// Without leaf 80000008H the physical address width is 36 bits (SDM Vol. 3A §4.1.4).
constexpr u8 kDefaultPhysicalAddressBits = 36;

void copy_u32(char* out, u32 v) {
  for (int i = 0; i < 4; ++i) out[i] = char(v >> (8 * i));
}

}  // namespace

libk::Optional<TscFrequency> tsc_frequency_from_cpuid(u32 max_basic, cpu::CpuidResult leaf15,
                                                      cpu::CpuidResult leaf16) {
  if (max_basic < 0x15 || leaf15.eax == 0 || leaf15.ebx == 0) return libk::nullopt;
  TscFrequency f{0, TscFrequency::Source::Leaf15Crystal, leaf15.ecx, leaf15.ebx, leaf15.eax};
  if (leaf15.ecx != 0) {
    // Both factors < 2^32, so the product fits in 64 bits.
    f.hz = u64(leaf15.ecx) * leaf15.ebx / leaf15.eax;
    return f;
  }
  if (max_basic < 0x16 || (leaf16.eax & 0xFFFF) == 0) return libk::nullopt;
  f.hz = u64(leaf16.eax & 0xFFFF) * 1'000'000;
  f.source = TscFrequency::Source::Leaf16BaseFrequency;
  return f;
}

CpuInfo CpuInfo::decode(const CpuidSnapshot& l) {
  CpuInfo info{};
  copy_u32(info.vendor + 0, l.vendor[0]);
  copy_u32(info.vendor + 4, l.vendor[1]);
  copy_u32(info.vendor + 8, l.vendor[2]);
  info.vendor[12] = '\0';
  // Family/model with the extended fields (SDM Vol. 2A, CPUID, Figure 3-6).
  u32 eax = l.leaf1.eax;
  u32 family = eax >> 8 & 0xF, model = eax >> 4 & 0xF;
  if (family == 0xF) family += eax >> 20 & 0xFF;
  if (family == 0x6 || family >= 0xF) model |= (eax >> 16 & 0xF) << 4;
  info.family = u8(family);
  info.model = u8(model);
  info.stepping = u8(eax & 0xF);
  info.apic = l.leaf1.edx >> 9 & 1;
  info.x2apic = l.leaf1.ecx >> 21 & 1;
  info.tsc_deadline = l.leaf1.ecx >> 24 & 1;
  info.hypervisor = l.leaf1.ecx >> 31 & 1;
  info.rdrand = l.leaf1.ecx >> 30 & 1;
  info.invariant_tsc = l.max_extended >= 0x8000'0007 && (l.leaf80000007.edx >> 8 & 1);
  info.tsc_frequency = tsc_frequency_from_cpuid(l.max_basic, l.leaf15, l.leaf16);
  info.machine_check_exception = l.leaf1.edx >> 7 & 1;
  info.machine_check_architecture = l.leaf1.edx >> 14 & 1;
  info.global_pages = l.leaf1.edx >> 13 & 1;
  info.pat = l.leaf1.edx >> 16 & 1;
  info.nx = l.leaf80000001.edx >> 20 & 1;
  info.huge_pages_1g = l.leaf80000001.edx >> 26 & 1;
  info.smep = l.leaf7.ebx >> 7 & 1;
  info.smap = l.leaf7.ebx >> 20 & 1;
  info.umip = l.leaf7.ecx >> 2 & 1;
  info.physical_address_bits =
      l.max_extended >= 0x8000'0008 ? u8(l.leaf80000008.eax) : kDefaultPhysicalAddressBits;
  return info;
}

}  // namespace hal
