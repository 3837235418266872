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
  hal::CpuidLeaves l{};
  l.max_basic = 0x16;
  l.vendor[0] = 0x756e6547;                                                  // "Genu"
  l.vendor[1] = 0x49656e69;                                                  // "ineI"
  l.vendor[2] = 0x6c65746e;                                                  // "ntel"
  l.leaf1 = {0x000906EA, 0, (1u << 21) | (1u << 24) | (1u << 31), 1u << 9};  // Coffee Lake
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
  CHECK(info.invariant_tsc);
  REQUIRE(info.tsc_frequency.has_value());
  CHECK(info.tsc_frequency->hz == 3'600'000'000);
}

TEST_CASE("AMD family 0x17 uses the extended family", "[cpuinfo]") {
  hal::CpuidLeaves l{};
  l.leaf1 = {0x00800F82, 0, 0, 0};  // Zen+: family 0xF + 0x8, model 0x08
  auto info = hal::CpuInfo::decode(l);
  CHECK(info.family == 0x17);
  CHECK(info.model == 0x08);
  CHECK_FALSE(info.invariant_tsc);  // no leaf 0x80000007
}
