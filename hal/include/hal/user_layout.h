/* Numbers the user-mode entry paths (hal/x86/syscall_entry.S, user_copy.S, interrupt_entry.S)
 * share with C++ (hal/user_mode.hpp, kernel/cpu/percpu.hpp, which static_asserts them):
 * C preprocessor only, so the assembler includes it too. */
#ifndef HAL_USER_LAYOUT_H
#define HAL_USER_LAYOUT_H

/* Offsets in the per-CPU block GS points at while the kernel runs (kernel::Cpu). */
#define PERCPU_KERNEL_STACK 0x18 /* the running thread's kernel stack top (SYSCALL's stack) */
#define PERCPU_USER_RSP 0x20     /* the user RSP, saved for the moment SYSCALL switches */

/* Selectors (hal/gdt.hpp). */
#define USER_CODE_SELECTOR 0x23
#define USER_DATA_SELECTOR 0x1b

/* TrapFrame offsets (hal/trap_frame.hpp) once the general registers are pushed. */
#define FRAME_VECTOR 0x78
#define FRAME_RIP 0x88
#define FRAME_CS 0x90
#define FRAME_SIZE 0xb0

/* The pseudo-vector a system call's TrapFrame carries (no IDT vector is that large). */
#define SYSCALL_VECTOR 0x100

#endif
