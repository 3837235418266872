#include <hal/cpuid.hpp>

namespace hal {

namespace {

void copy_u32(char* out, u32 v) {
  for (int i = 0; i < 4; ++i) out[i] = char(v >> (8 * i));
}

// The leaf if the CPU has it (max is the highest basic or extended leaf), else zero.
cpu::CpuidResult leaf_if_present(u32 leaf, u32 max) {
  return leaf <= max ? cpu::cpuid(leaf) : cpu::CpuidResult{};
}

void read_brand(CpuidSnapshot& s) {
  s.brand[0] = '\0';
  if (s.max_extended < 0x8000'0004) return;
  for (u32 i = 0; i < 3; ++i) {
    auto r = cpu::cpuid(0x8000'0002 + i);
    copy_u32(s.brand + 16 * i + 0, r.eax);
    copy_u32(s.brand + 16 * i + 4, r.ebx);
    copy_u32(s.brand + 16 * i + 8, r.ecx);
    copy_u32(s.brand + 16 * i + 12, r.edx);
  }
  s.brand[48] = '\0';
}

}  // namespace

CpuidSnapshot CpuidSnapshot::read() {
  CpuidSnapshot s{};
  auto r0 = cpu::cpuid(0);
  s.max_basic = r0.eax;
  s.vendor[0] = r0.ebx;
  s.vendor[1] = r0.edx;
  s.vendor[2] = r0.ecx;
  s.leaf1 = leaf_if_present(1, s.max_basic);
  s.leaf7 = leaf_if_present(7, s.max_basic);  // subleaf 0 (cpu::cpuid's default)
  s.leaf15 = leaf_if_present(0x15, s.max_basic);
  s.leaf16 = leaf_if_present(0x16, s.max_basic);
  s.max_extended = cpu::cpuid(0x8000'0000).eax;
  s.leaf80000001 = leaf_if_present(0x8000'0001, s.max_extended);
  s.leaf80000007 = leaf_if_present(0x8000'0007, s.max_extended);
  s.leaf80000008 = leaf_if_present(0x8000'0008, s.max_extended);
  read_brand(s);
  return s;
}

}  // namespace hal
