#include <hal/cpu.hpp>
#include <hal/fpu.hpp>
#include <hal/gdt.hpp>
#include <hal/msr.hpp>
#include <hal/registers.hpp>
#include <hal/rflags.hpp>
#include <hal/user_mode.hpp>

extern "C" {
// Set once by the bootstrap CPU before any user program runs; every CPU has the same
// features (the kernel refuses to start APs that differ).
constinit bool hal_smap_enabled = false;
// The fixup table (hal/x86/user_copy.S), bounded by the linker (kernel/linker.ld).
extern const i32 __start_ember_fixup[];
extern const i32 __stop_ember_fixup[];
}

namespace hal::user_mode {

namespace {

// IA32_STAR (SDM Vol. 3A §5.8.8): bits 47:32 the selector SYSCALL loads into CS (SS is that
// + 8), bits 63:48 the base SYSRET adds 16 (CS) and 8 (SS) to, with RPL 3.
constexpr u64 star() { return u64(gdt::kKernelCode) << 32 | u64(gdt::kKernelData) << 48; }
static_assert(((gdt::kKernelData + 8) | 3) == gdt::kUserData &&
              ((gdt::kKernelData + 16) | 3) == gdt::kUserCode);
static_assert(gdt::kUserCode == USER_CODE_SELECTOR && gdt::kUserData == USER_DATA_SELECTOR);
static_assert(__builtin_offsetof(TrapFrame, rip) == FRAME_RIP &&
              __builtin_offsetof(TrapFrame, cs) == FRAME_CS &&
              __builtin_offsetof(TrapFrame, vector) == FRAME_VECTOR &&
              sizeof(TrapFrame) == FRAME_SIZE);

// The RFLAGS bits SYSCALL clears: interrupts stay off until the entry is on the kernel stack,
// no single-stepping into the kernel, the direction the ABI expects, SMAP's override off, and
// no nested-task IRET.
constexpr u64 fmask() {
  return Rflags(0)
      .set_interrupt_enable(true)
      .set_trap(true)
      .set_direction(true)
      .set_alignment_check(true)
      .set_nested_task(true)
      .raw();
}

}  // namespace

Protections enable_on_this_cpu(const CpuInfo& cpu) {
  CpuMsrIo msrs;
  msrs.write(msr::kStar, star());
  msrs.write(msr::kLstar, reinterpret_cast<u64>(&hal_syscall_entry));
  msrs.write(msr::kFmask, fmask());
  msrs.write(msr::kKernelGsBase, 0);
  Efer::read().set_sce(true).write();
  fpu::enable_on_this_cpu();  // user threads own x87/SSE/AVX state (hal/fpu.hpp)
  Cr4 cr4 = Cr4::read();
  cr4.set_smep(cpu.smep).set_smap(cpu.smap).set_umip(cpu.umip).write();
  hal_smap_enabled = cpu.smap;
  return {cpu.smep, cpu.smap, cpu.umip};
}

libk::Optional<u64> fixup_for(u64 rip) {
  for (const i32* e = __start_ember_fixup; e < __stop_ember_fixup; e += 2) {
    u64 insn = reinterpret_cast<u64>(&e[0]) + u64(i64(e[0]));
    if (insn == rip) return reinterpret_cast<u64>(&e[1]) + u64(i64(e[1]));
  }
  return libk::nullopt;
}

}  // namespace hal::user_mode
