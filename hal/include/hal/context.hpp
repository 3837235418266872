// Execution contexts: the CPU state a suspended kernel thread leaves on its own stack, and
// the routine that switches between two of them (hal/x86/context_switch.S). Built for the
// kernel and, unchanged, for the host (the switch benchmark and host tests run the very
// same routine).
//
// A suspended context is a stack pointer. At that address, from low to high:
//   r15, r14, r13, r12, rbx, rbp, return address
// i.e. the System V callee-saved registers and the address the context resumes at. Nothing
// else is saved: the caller of hal_context_switch has already spilled whatever its
// compiler considers clobbered by a call (rax, rcx, rdx, rsi, rdi, r8-r11, flags).
//
// Interrupts: hal_context_switch neither reads nor changes RFLAGS. Call it with interrupts
// disabled and the scheduler lock held: an interrupt arriving half-way would find the
// scheduler's idea of the running thread and the CPU's stack disagreeing. The resumed
// context continues with interrupts still disabled and restores its own interrupt state
// itself (its scheduler lock guard does; a new context's entry function must do it).
//
// Not saved: x87/SSE/AVX state and MXCSR (kernel code is built -mgeneral-regs-only and
// has none; the scheduler saves and loads user threads' state around the switch,
// hal/fpu.hpp), segment registers and CR3 (all kernel threads share one address space),
// RFLAGS (above; DF is
// clear at every call by the ABI).
#pragma once

#include <libk/types.hpp>

extern "C" {
// Saves the current context, stores its stack pointer in *save_sp, and resumes the context
// whose stack pointer is load_sp (saved by this routine, or made by hal::context::prepare).
// Returns when some other context switches back to *save_sp.
void hal_context_switch(u64* save_sp, u64 load_sp);
// Where a prepared context starts (see prepare); not callable.
void hal_context_start();
}

namespace hal::context {

// The first function a new context runs. It must not return: a context ends by switching
// away for good. If it returns anyway, the start trampoline executes ud2 (#UD).
using EntryFn = void (*)(void* arg);

// Words of a suspended context: 6 callee-saved registers and the return address.
inline constexpr usize kFrameWords = 7;

// Builds a new context's first frame just below `stack_top` (16-byte aligned; the frame
// takes 72 bytes) and returns its stack pointer. The first switch to it calls entry(arg)
// with a System V aligned stack (rsp + 8 is a multiple of 16 on entry) and rbp = 0, so
// frame-pointer backtraces end there.
u64 prepare(u64 stack_top, EntryFn entry, void* arg);

}  // namespace hal::context
