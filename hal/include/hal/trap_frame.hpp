// The register frame every interrupt and exception entry stub builds on the stack
// (hal/x86/interrupt_entry.S), lowest address first. The last five fields are what the CPU
// pushes on an interrupt in 64-bit mode (Intel SDM Vol. 3A §6.14.2, Figure 6-9); `error_code`
// is the CPU's for vectors that have one and 0 for the others; the stub pushes `vector` and
// the general registers.
#pragma once

#include <libk/types.hpp>

namespace hal {

struct TrapFrame {
  u64 r15, r14, r13, r12, r11, r10, r9, r8;
  u64 rbp, rdi, rsi, rdx, rcx, rbx, rax;
  u64 vector;
  u64 error_code;
  u64 rip, cs, rflags, rsp, ss;  // pushed by the CPU
};

static_assert(sizeof(TrapFrame) == 22 * 8);
static_assert(__builtin_offsetof(TrapFrame, vector) == 15 * 8);
static_assert(__builtin_offsetof(TrapFrame, rip) == 17 * 8);

// The control registers a crash report shows, read when the exception arrived.
struct ControlRegisters {
  u64 cr0, cr2, cr3, cr4;
};

}  // namespace hal
