// CPUID feature names (hal/cpu_features.hpp) from register values seen on real machines.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include <hal/cpu_features.hpp>

namespace {

std::vector<std::string> names(const hal::CpuidSnapshot& leaves) {
  std::vector<std::string> out;
  hal::for_each_feature(leaves, [&](libk::StringView n) { out.emplace_back(n.data(), n.size()); });
  return out;
}

bool has(const std::vector<std::string>& v, const char* name) {
  return std::find(v.begin(), v.end(), name) != v.end();
}

}  // namespace

TEST_CASE("QEMU's default CPU (qemu64) reports its CPUID.1 and 80000001H features", "[cpu]") {
  // CPUID.1: ECX 0x80802001 (sse3, cx16, hypervisor... ), EDX 0x078bfbfd; 80000001H from QEMU 7.2.
  hal::CpuidSnapshot l{};
  l.leaf1.ecx = 0x8080'2001;
  l.leaf1.edx = 0x078b'fbfd;
  l.leaf80000001.ecx = 0x0000'0065;
  l.leaf80000001.edx = 0x2010'0800;
  auto n = names(l);
  for (const char* f : {"fpu", "de", "pse", "tsc", "msr", "pae", "apic", "cmov", "sse", "sse2",
                        "pni", "cx16", "hypervisor", "syscall", "nx", "lm", "lahf_lm", "svm"})
    CHECK(has(n, f));
  CHECK(!has(n, "vme"));     // EDX bit 1 clear
  CHECK(!has(n, "x2apic"));  // ECX bit 21 clear
  CHECK(!has(n, "avx2"));    // no leaf 7
  CHECK(n.front() == "fpu");
}

TEST_CASE("Leaf 7 features are named from EBX, ECX and EDX", "[cpu]") {
  hal::CpuidSnapshot l{};
  l.leaf7.ebx = (1u << 5) | (1u << 7) | (1u << 20);  // avx2, smep, smap
  l.leaf7.ecx = 1u << 2;                             // umip
  l.leaf80000007.edx = 1u << 8;                      // invariant TSC
  auto n = names(l);
  CHECK(n == std::vector<std::string>{"constant_tsc", "avx2", "smep", "smap", "umip"});
}

TEST_CASE("No bits, no features", "[cpu]") { CHECK(names(hal::CpuidSnapshot{}).empty()); }
