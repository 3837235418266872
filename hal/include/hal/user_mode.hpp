// Ring 3: the SYSCALL/SYSRET set-up, the first entry into a user program, the per-CPU
// protections (SMEP, SMAP, UMIP) and the fault-tolerant user-memory copies
// (hal/x86/syscall_entry.S, hal/x86/user_copy.S; docs/processes.md).
#pragma once

#include <hal/cpu_info.hpp>
#include <hal/trap_frame.hpp>
#include <hal/user_layout.h>
#include <libk/optional.hpp>
#include <libk/types.hpp>

extern "C" {
// The SYSCALL entry (IA32_LSTAR); calls hal_syscall_dispatch(frame), which the kernel defines.
void hal_syscall_entry();
void hal_syscall_dispatch(hal::TrapFrame* frame);
// Enters ring 3 at `rip` with RSP = `rsp`, RDI = arg0, RSI = arg1, RDX = arg2, every other
// register 0, interrupts on. Never returns; the thread comes back to the kernel through SYSCALL,
// interrupts and exceptions, on the kernel stack in TSS.RSP0. Context: thread, on its own
// kernel stack, in the process's address space.
[[noreturn]] void hal_enter_user(u64 rip, u64 rsp, u64 arg0, u64 arg1, u64 arg2 = 0);
// Returns to ring 3 with every register as `frame` has it (SYSRET or IRETQ as for a system
// call's return). `frame` lies on the current kernel stack and is the last thing on it the
// caller needs. Context: thread, in the process's address space.
[[noreturn]] void hal_resume_user(const hal::TrapFrame* frame);
// The IRETQ of the return path: a #GP here means the frame it returns through is bad (a
// non-canonical user RIP); the fault belongs to the process, not the kernel.
void hal_user_iret();
// Returns to ring 3 that took IRETQ because the user RIP was not canonical (the SYSRET trap
// avoided), counted for tests. Written only by the return path (a locked increment).
extern u64 hal_noncanonical_returns;
// An INT3 with the user's GS base loaded (interrupts off around it): tests the exception
// entry's SWAPGS decision for a fault between a SWAPGS and the return to ring 3.
void hal_breakpoint_with_user_gs();
u64 hal_copy_user(void* dst, const void* src, u64 bytes);
i64 hal_copy_user_string(char* dst, const char* src, u64 capacity);
extern bool hal_smap_enabled;
}

namespace hal::user_mode {

// Whether TrapFrame says the CPU was in ring 3.
inline bool from_user(const TrapFrame& f) { return (f.cs & 3) == 3; }
inline bool is_syscall(const TrapFrame& f) { return f.vector == SYSCALL_VECTOR; }

// What this CPU got: set up by enable_on_this_cpu.
struct Protections {
  bool smep, smap, umip;
};

// Programs IA32_STAR/LSTAR/FMASK (the entry above; FMASK clears IF, TF, DF, AC and NT), sets
// EFER.SCE, enables the FPU/SSE/AVX for ring 3 (hal::fpu::enable_on_this_cpu), and turns on
// CR4.SMEP, SMAP and UMIP where `cpu` has them. Context: each CPU's start-up, interrupts off.
Protections enable_on_this_cpu(const CpuInfo& cpu);

// The fixup address for a fault at `rip`, if it is one of the user-copy instructions.
libk::Optional<u64> fixup_for(u64 rip);

// The kernel-stack top SYSCALL switches to is in the per-CPU block (user_layout.h); the TSS's
// RSP0 is the same value for interrupts from ring 3.
}  // namespace hal::user_mode
