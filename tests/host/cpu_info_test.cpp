// Decoding CPUID (hal/cpu_info.hpp), in particular the TSC frequency from leaves 0x15/0x16
// (QEMU's TCG reports neither, so real-CPU values are tested here).
#include <catch2/catch.hpp>

#include <hal/cpu_info.hpp>

using hal::TscFrequency;

TEST_CASE("leaf 0x15 with the crystal gives crystal * EBX / EAX", "[cpuinfo]") {
  // A Gemini Lake / Ice Lake-style report: 19.2 MHz crystal x 104/2... here 38.4 MHz x 88/2.
  auto f = hal::tsc_frequency_from_cpuid(0x16, {2, 88, 38'400'000, 0}, {1700, 4000, 100, 0});
  REQUIRE(f.has_value());
  CHECK(f->hz == 1'689'600'000);
  CHECK(f->source == TscFrequency::Source::Leaf15Crystal);
  CHECK(f->crystal_hz == 38'400'000);
}

TEST_CASE("leaf 0x15 without the crystal falls back to leaf 0x16's base frequency", "[cpuinfo]") {
  // Skylake client: EAX=2, EBX=216, ECX=0; leaf 0x16 base 2700 MHz.
  auto f = hal::tsc_frequency_from_cpuid(0x16, {2, 216, 0, 0}, {2700, 3700, 100, 0});
  REQUIRE(f.has_value());
  CHECK(f->hz == 2'700'000'000);
  CHECK(f->source == TscFrequency::Source::Leaf16BaseFrequency);
}

TEST_CASE("no frequency when the leaves are missing or zero", "[cpuinfo]") {
  CHECK_FALSE(hal::tsc_frequency_from_cpuid(0xD, {2, 216, 24'000'000, 0}, {}).has_value());
  CHECK_FALSE(hal::tsc_frequency_from_cpuid(0x16, {0, 0, 0, 0}, {2700, 0, 0, 0}).has_value());
  CHECK_FALSE(hal::tsc_frequency_from_cpuid(0x15, {2, 216, 0, 0}, {2700, 0, 0, 0}).has_value());
  CHECK_FALSE(hal::tsc_frequency_from_cpuid(0x16, {2, 216, 0, 0}, {0, 0, 0, 0}).has_value());
}

TEST_CASE("feature bits and family/model are decoded", "[cpuinfo]") {
  hal::CpuidSnapshot l{};
  l.max_basic = 0x16;
  l.vendor[0] = 0x756e6547;  // "Genu"
  l.vendor[1] = 0x49656e69;  // "ineI"
  l.vendor[2] = 0x6c65746e;  // "ntel"
  l.leaf1 = {0x000906EA, 0, (1u << 21) | (1u << 24) | (1u << 30) | (1u << 31),
             1u << 9};  // Coffee Lake
  l.max_extended = 0x8000'0008;
  l.leaf80000007 = {0, 0, 0, 1u << 8};
  l.leaf15 = {2, 300, 24'000'000, 0};
  auto info = hal::CpuInfo::decode(l);
  CHECK(std::string(info.vendor) == "GenuineIntel");
  CHECK(info.family == 6);
  CHECK(info.model == 0x9E);
  CHECK(info.stepping == 0xA);
  CHECK(info.apic);
  CHECK(info.x2apic);
  CHECK(info.tsc_deadline);
  CHECK(info.hypervisor);
  CHECK(info.rdrand);
  CHECK(info.invariant_tsc);
  REQUIRE(info.tsc_frequency.has_value());
  CHECK(info.tsc_frequency->hz == 3'600'000'000);
}

TEST_CASE("AMD family 0x17 uses the extended family", "[cpuinfo]") {
  hal::CpuidSnapshot l{};
  l.leaf1 = {0x00800F82, 0, 0, 0};  // Zen+: family 0xF + 0x8, model 0x08
  auto info = hal::CpuInfo::decode(l);
  CHECK(info.family == 0x17);
  CHECK(info.model == 0x08);
  CHECK_FALSE(info.rdrand);
  CHECK_FALSE(info.invariant_tsc);  // no leaf 0x80000007
}

TEST_CASE("paging and machine-check features come from the same snapshot", "[cpuinfo]") {
  // Leaf 1 EDX with MCE, PGE, MCA and PAT; 80000001H EDX with NX and Page1GB; 80000008H EAX
  // 0x3028 (48 linear, 40 physical address bits).
  hal::CpuidSnapshot l{};
  l.max_basic = 0xD;
  l.leaf1.edx = 0x178b'fbff;
  l.max_extended = 0x8000'0008;
  l.leaf80000001.edx = 0x2fd3'fbff;
  l.leaf80000008.eax = 0x3028;
  auto info = hal::CpuInfo::decode(l);
  CHECK(info.nx);
  CHECK(info.huge_pages_1g);
  CHECK(info.physical_address_bits == 40);
  CHECK(info.pat);
  CHECK(info.global_pages);
  CHECK(info.machine_check_exception);
  CHECK(info.machine_check_architecture);
}

TEST_CASE("without the extended leaves: no NX, no 1 GiB pages, 36 address bits", "[cpuinfo]") {
  hal::CpuidSnapshot l{};
  l.max_basic = 1;
  l.leaf1.edx = 1u << 16;  // PAT only
  l.max_extended = 0x8000'0000;
  auto info = hal::CpuInfo::decode(l);
  CHECK_FALSE(info.nx);
  CHECK_FALSE(info.huge_pages_1g);
  CHECK(info.physical_address_bits == 36);
  CHECK(info.pat);
  CHECK_FALSE(info.global_pages);
  CHECK_FALSE(info.machine_check_exception);
}
