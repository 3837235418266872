#include <hal/cpu_features.hpp>

namespace hal {

namespace cpu_features_detail {

namespace {

// Bit positions: Intel SDM Vol. 2A, CPUID instruction, Table 3-10 (leaf 1 ECX), Table 3-11
// (leaf 1 EDX), Table 3-8 (leaf 7); AMD APM Vol. 3, E.4.2 (80000001H), E.4.8 (80000007H).
constexpr Flag kFlags[] = {
    {Reg::L1Edx, 0, "fpu"},      {Reg::L1Edx, 1, "vme"},
    {Reg::L1Edx, 2, "de"},       {Reg::L1Edx, 3, "pse"},
    {Reg::L1Edx, 4, "tsc"},      {Reg::L1Edx, 5, "msr"},
    {Reg::L1Edx, 6, "pae"},      {Reg::L1Edx, 7, "mce"},
    {Reg::L1Edx, 8, "cx8"},      {Reg::L1Edx, 9, "apic"},
    {Reg::L1Edx, 11, "sep"},     {Reg::L1Edx, 12, "mtrr"},
    {Reg::L1Edx, 13, "pge"},     {Reg::L1Edx, 14, "mca"},
    {Reg::L1Edx, 15, "cmov"},    {Reg::L1Edx, 16, "pat"},
    {Reg::L1Edx, 17, "pse36"},   {Reg::L1Edx, 19, "clflush"},
    {Reg::L1Edx, 23, "mmx"},     {Reg::L1Edx, 24, "fxsr"},
    {Reg::L1Edx, 25, "sse"},     {Reg::L1Edx, 26, "sse2"},
    {Reg::L1Edx, 28, "ht"},      {Reg::E1Edx, 11, "syscall"},
    {Reg::E1Edx, 20, "nx"},      {Reg::E1Edx, 26, "pdpe1gb"},
    {Reg::E1Edx, 27, "rdtscp"},  {Reg::E1Edx, 29, "lm"},
    {Reg::L1Ecx, 0, "pni"},      {Reg::L1Ecx, 1, "pclmulqdq"},
    {Reg::L1Ecx, 3, "monitor"},  {Reg::L1Ecx, 5, "vmx"},
    {Reg::L1Ecx, 9, "ssse3"},    {Reg::L1Ecx, 12, "fma"},
    {Reg::L1Ecx, 13, "cx16"},    {Reg::L1Ecx, 17, "pcid"},
    {Reg::L1Ecx, 19, "sse4_1"},  {Reg::L1Ecx, 20, "sse4_2"},
    {Reg::L1Ecx, 21, "x2apic"},  {Reg::L1Ecx, 22, "movbe"},
    {Reg::L1Ecx, 23, "popcnt"},  {Reg::L1Ecx, 24, "tsc_deadline_timer"},
    {Reg::L1Ecx, 25, "aes"},     {Reg::L1Ecx, 26, "xsave"},
    {Reg::L1Ecx, 28, "avx"},     {Reg::L1Ecx, 29, "f16c"},
    {Reg::L1Ecx, 30, "rdrand"},  {Reg::L1Ecx, 31, "hypervisor"},
    {Reg::E1Ecx, 0, "lahf_lm"},  {Reg::E1Ecx, 2, "svm"},
    {Reg::E1Ecx, 5, "abm"},      {Reg::E7Edx, 8, "constant_tsc"},
    {Reg::L7Ebx, 0, "fsgsbase"}, {Reg::L7Ebx, 3, "bmi1"},
    {Reg::L7Ebx, 5, "avx2"},     {Reg::L7Ebx, 7, "smep"},
    {Reg::L7Ebx, 8, "bmi2"},     {Reg::L7Ebx, 9, "erms"},
    {Reg::L7Ebx, 10, "invpcid"}, {Reg::L7Ebx, 16, "avx512f"},
    {Reg::L7Ebx, 18, "rdseed"},  {Reg::L7Ebx, 19, "adx"},
    {Reg::L7Ebx, 20, "smap"},    {Reg::L7Ebx, 23, "clflushopt"},
    {Reg::L7Ebx, 24, "clwb"},    {Reg::L7Ebx, 29, "sha_ni"},
    {Reg::L7Ecx, 2, "umip"},     {Reg::L7Ecx, 3, "pku"},
    {Reg::L7Ecx, 16, "la57"},    {Reg::L7Ecx, 22, "rdpid"},
    {Reg::L7Edx, 26, "ibrs"},    {Reg::L7Edx, 31, "ssbd"},
};

}  // namespace

libk::Span<const Flag> table() { return kFlags; }

u32 value(const CpuidSnapshot& l, Reg reg) {
  switch (reg) {
    case Reg::L1Ecx: return l.leaf1.ecx;
    case Reg::L1Edx: return l.leaf1.edx;
    case Reg::L7Ebx: return l.leaf7.ebx;
    case Reg::L7Ecx: return l.leaf7.ecx;
    case Reg::L7Edx: return l.leaf7.edx;
    case Reg::E1Ecx: return l.leaf80000001.ecx;
    case Reg::E1Edx: return l.leaf80000001.edx;
    case Reg::E7Edx: return l.leaf80000007.edx;
  }
  return 0;
}

}  // namespace cpu_features_detail

}  // namespace hal
