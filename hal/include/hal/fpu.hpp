// x87/SSE/AVX state for user threads (docs/processes.md, "FPU state"). Each CPU enables the
// FPU and SSE (CR0, CR4) and, when CPUID has XSAVE, the XSAVE state components
// libk::fpu::choose_xcr0 picks; a user thread owns a save area of area_size() bytes that
// the scheduler saves into when the thread is switched away from and restores from when it is
// switched to. Kernel code is built -mgeneral-regs-only (meson.build's kernel flags: the
// compiler emits no x87/SSE instruction) and never touches these registers, so a user
// thread's values survive the kernel's entry and exit paths untouched.
#pragma once

#include <hal/cpu_info.hpp>
#include <libk/types.hpp>

namespace hal::fpu {

struct Config {
  bool xsave;     // XSAVE/XRSTOR; otherwise FXSAVE/FXRSTOR
  u64 xcr0;       // the components saved (x87 | SSE with FXSAVE)
  u32 area_size;  // bytes of a save area: CPUID leaf 0xD, or 512 for FXSAVE
};

// Enables the FPU/SSE (CR0.MP and NE set, EM and TS clear; CR4.OSFXSR and OSXMMEXCPT: SIMD
// exceptions are #XM) and, with XSAVE, CR4.OSXSAVE and XCR0. The bootstrap CPU's call fixes
// the configuration; every later CPU must arrive at the same one (VERIFY: a save area is
// sized once for all CPUs). Context: each CPU's start-up, interrupts off.
Config enable_on_this_cpu();

// The configuration the bootstrap CPU set up.
const Config& config();
inline u32 area_size() { return config().area_size; }
inline constexpr u32 kAreaAlignment = 64;

// Writes the state a new thread starts with into `area` (area_size() bytes, 64-byte
// aligned): FNINIT's x87 state, MXCSR 0x1F80, every vector register zero.
void init_area(void* area);
// Saves this CPU's user FPU state into `area` / loads it from `area`. Context: interrupts
// off (the scheduler's switch), FPU enabled on this CPU.
void save(void* area);
void restore(const void* area);

}  // namespace hal::fpu
