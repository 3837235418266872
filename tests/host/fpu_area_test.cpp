// libk/fpu_area.hpp: XCR0 choice, XSAVE area size from CPUID leaf 0xD, the clean state.
#include <catch2/catch.hpp>

#include <libk/fpu_area.hpp>

using namespace libk::fpu;

namespace {
// CPUID.(EAX=0DH,ECX=i) {size, offset} for i = 0..7 as an AVX-512 CPU (Skylake-SP, and
// QEMU's -cpu max with AVX-512) reports them; 0 and 1 are the legacy region (unused).
constexpr Component kAvx512Cpu[8] = {{160, 0},   {256, 160}, {256, 576},  {64, 960},
                                     {64, 1024}, {64, 1088}, {512, 1152}, {1024, 1664}};
}  // namespace

TEST_CASE("XCR0 enables x87, SSE, AVX and all of AVX-512 or none of it", "[fpu]") {
  CHECK(choose_xcr0(kX87 | kSse) == (kX87 | kSse));
  CHECK(choose_xcr0(0) == (kX87 | kSse));  // CPUID without the bits: still the mandatory ones
  CHECK(choose_xcr0(kX87 | kSse | kAvx) == (kX87 | kSse | kAvx));
  CHECK(choose_xcr0(0x2e7) == (kX87 | kSse | kAvx | kAvx512));  // with MPX/PKRU: not enabled
  CHECK(choose_xcr0(kX87 | kSse | kAvx | kOpmask | kZmmHi256) == (kX87 | kSse | kAvx));
  CHECK(choose_xcr0(kX87 | kSse | kAvx512) == (kX87 | kSse));  // AVX-512 needs AVX
}

TEST_CASE("The XSAVE area is sized by the highest enabled component", "[fpu]") {
  CHECK(xsave_area_size(kX87 | kSse, kAvx512Cpu) == 576);
  CHECK(xsave_area_size(kX87 | kSse | kAvx, kAvx512Cpu) == 832);
  CHECK(xsave_area_size(kX87 | kSse | kAvx | kAvx512, kAvx512Cpu) == 2688);
  // Compacted-looking or nonsense values are refused rather than trusted.
  Component overlapping[3] = {{0, 0}, {0, 0}, {256, 100}};
  CHECK(xsave_area_size(kX87 | kSse | kAvx, overlapping) == 0);
  Component huge[3] = {{0, 0}, {0, 0}, {0xFFFF'FFFFu, 576}};
  CHECK(xsave_area_size(kX87 | kSse | kAvx, huge) == 0);
  Component empty[3] = {{0, 0}, {0, 0}, {0, 576}};
  CHECK(xsave_area_size(kX87 | kSse | kAvx, empty) == 0);
  // A component the table does not describe.
  CHECK(xsave_area_size(kX87 | kSse | kAvx512, libk::Span<const Component>(kAvx512Cpu, 3)) == 0);
}

TEST_CASE("The clean state is FNINIT's control word and the default MXCSR", "[fpu]") {
  u8 area[832];
  for (u8& b : area) b = 0xAA;  // what a previous owner left
  write_clean_state(area);
  CHECK(area[0] == 0x7F);
  CHECK(area[1] == 0x03);
  CHECK(area[24] == 0x80);
  CHECK(area[25] == 0x1F);
  CHECK(area[26] == 0);
  CHECK(area[27] == 0);
  for (usize i = 2; i < sizeof(area); ++i)
    if (i < 24 || i > 25) CHECK(area[i] == 0);
}
