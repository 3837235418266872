#include <hal/cpu.hpp>
#include <hal/fpu.hpp>
#include <hal/registers.hpp>
#include <libk/assert.hpp>
#include <libk/fpu_area.hpp>

namespace hal::fpu {

namespace {

static_assert(Xcr0(0).set_x87(true).set_sse(true).set_avx(true).raw() ==
              (libk::fpu::kX87 | libk::fpu::kSse | libk::fpu::kAvx));
static_assert(Xcr0(0).set_opmask(true).set_zmm_hi256(true).set_hi16_zmm(true).raw() ==
              libk::fpu::kAvx512);

constinit Config the_config{};
constinit bool configured = false;

// CPUID.1:ECX[26] XSAVE (SDM Vol. 2A, Table 3-10).
bool has_xsave() { return (cpu::cpuid(1).ecx >> 26 & 1) != 0; }

// Components 0..7: what libk::fpu::choose_xcr0 may enable.
constexpr u32 kComponents = 8;

Config enable_xsave() {
  Cr4::read().set_osxsave(true).write();
  // CPUID.(EAX=0DH,ECX=0):EAX/EDX: the XCR0 bits the CPU supports (SDM Vol. 1 §13.2).
  cpu::CpuidResult leaf = cpu::cpuid(0xD, 0);
  u64 supported = u64(leaf.edx) << 32 | leaf.eax;
  u64 xcr0 = libk::fpu::choose_xcr0(supported);
  Xcr0(xcr0).write();
  libk::fpu::Component components[kComponents] = {};
  for (u32 i = 2; i < kComponents; ++i) {
    if ((xcr0 >> i & 1) == 0) continue;
    cpu::CpuidResult c = cpu::cpuid(0xD, i);
    components[i] = {c.eax, c.ebx};
  }
  u32 size = libk::fpu::xsave_area_size(xcr0, components);
  // CPUID.(EAX=0DH,ECX=0):EBX is the size for the XCR0 now loaded: the two must agree.
  VERIFY(size != 0 && size == cpu::cpuid(0xD, 0).ebx);
  return {true, xcr0, size};
}

}  // namespace

Config enable_on_this_cpu() {
  // SDM Vol. 3A §9.6 / §13.1: MP so that WAIT honours TS, NE for native #MF reporting, EM
  // clear so x87/SSE execute, TS clear so nothing raises #NM (switching is eager).
  Cr0::read().set_mp(true).set_ne(true).set_em(false).set_ts(false).write();
  Cr4::read().set_osfxsr(true).set_osxmmexcpt(true).write();
  Config c = has_xsave() ? enable_xsave()
                         : Config{false, libk::fpu::kX87 | libk::fpu::kSse, libk::fpu::kLegacySize};
  if (!configured) {
    the_config = c;
    configured = true;
  } else {
    VERIFY(c.xsave == the_config.xsave && c.xcr0 == the_config.xcr0 &&
           c.area_size == the_config.area_size);
  }
  return c;
}

const Config& config() {
  DEBUG_ASSERT(configured);
  return the_config;
}

void init_area(void* area) {
  libk::fpu::write_clean_state(libk::Span<u8>(static_cast<u8*>(area), area_size()));
}

void save(void* area) {
  DEBUG_ASSERT(reinterpret_cast<u64>(area) % kAreaAlignment == 0);
  if (the_config.xsave)
    cpu::xsave(area, the_config.xcr0);
  else
    cpu::fxsave(area);
}

void restore(const void* area) {
  DEBUG_ASSERT(reinterpret_cast<u64>(area) % kAreaAlignment == 0);
  if (the_config.xsave)
    cpu::xrstor(area, the_config.xcr0);
  else
    cpu::fxrstor(area);
}

}  // namespace hal::fpu
