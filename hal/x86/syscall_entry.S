// The SYSCALL entry point and the ways into and out of ring 3 (docs/processes.md, "Entry
// and exit"; Intel SDM Vol. 3A §5.8.8, Vol. 2B SYSCALL, SYSRET, SWAPGS).
//
// SYSCALL leaves RSP and GS as the user had them and interrupts off (IA32_FMASK clears IF,
// TF, DF, AC and NT), with RCX = the user RIP and R11 = the user RFLAGS. The entry swaps GS
// first, parks the user RSP in the per-CPU block, switches to the running thread's kernel
// stack (per-CPU, set at every switch), builds a hal::TrapFrame like an interrupt's (vector
// SYSCALL_VECTOR) and calls hal_syscall_dispatch(frame) with interrupts on. The result is
// whatever the dispatcher left in frame->rax.
//
// The way back: SYSRET when the return address is a canonical user address, IRETQ
// otherwise. SYSRET to a non-canonical RCX raises #GP in ring 0 on Intel CPUs, after SWAPGS,
// on the user's stack (the "SYSRET vulnerability", CVE-2012-0217); IRETQ to one raises #GP
// on the IRETQ itself, still on the kernel stack with the kernel's GS, which the exception
// handler recognises (hal_user_iret) and turns into a fault of the process.

#include <hal/user_layout.h>

    .text
    .globl hal_syscall_entry
    .type hal_syscall_entry, @function
    .p2align 4
hal_syscall_entry:
    endbr64
    swapgs
    movq %rsp, %gs:PERCPU_USER_RSP
    movq %gs:PERCPU_KERNEL_STACK, %rsp
    // The frame the CPU would push for an interrupt from ring 3 ...
    pushq $USER_DATA_SELECTOR
    pushq %gs:PERCPU_USER_RSP
    pushq %r11                  // RFLAGS
    pushq $USER_CODE_SELECTOR
    pushq %rcx                  // RIP
    pushq $0                    // error code
    pushq $SYSCALL_VECTOR
    // ... and the general registers, as hal_interrupt_common saves them.
    pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    xorl %ebp, %ebp             // backtraces end at the frame
    movq %rsp, %rdi
    sti
    call hal_syscall_dispatch
    cli
    jmp hal_return_to_user
    .size hal_syscall_entry, . - hal_syscall_entry

// Returns to ring 3 through the TrapFrame at RSP (interrupts off, the kernel's GS): SYSRET
// when it can, IRETQ when the return address is not a canonical user address (bits 63:47
// not all clear).
    .macro POP_GENERAL
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
    addq $16, %rsp              // vector and error code
    .endm

    .globl hal_return_to_user
    .type hal_return_to_user, @function
hal_return_to_user:
    movq FRAME_RIP(%rsp), %rcx
    shrq $47, %rcx
    jnz .Liret
    POP_GENERAL
    movq (%rsp), %rcx           // RIP: SYSRET's return address
    movq 16(%rsp), %r11         // RFLAGS
    movq 24(%rsp), %rsp         // the user stack; IF = 0 keeps interrupts out until SYSRET
    swapgs
    sysretq
.Liret:
    lock incq hal_noncanonical_returns(%rip)
    POP_GENERAL
    swapgs
    .globl hal_user_iret
hal_user_iret:
    iretq
    .size hal_return_to_user, . - hal_return_to_user

    .section .bss.hal_noncanonical_returns, "aw", @nobits
    .globl hal_noncanonical_returns
    .balign 8
hal_noncanonical_returns:
    .zero 8
    .text

// [[noreturn]] void hal_enter_user(u64 rip, u64 rsp, u64 arg0, u64 arg1, u64 arg2): the
// first entry to ring 3 of a new thread. Builds a TrapFrame at the top of the current
// (kernel) stack with every register zero but RDI = arg0, RSI = arg1 and RDX = arg2,
// RFLAGS = IF, and returns through it.
    .globl hal_enter_user
    .type hal_enter_user, @function
hal_enter_user:
    cli
    pushq $USER_DATA_SELECTOR
    pushq %rsi                  // RSP
    pushq $0x202                // RFLAGS: IF and the reserved bit 1
    pushq $USER_CODE_SELECTOR
    pushq %rdi                  // RIP
    pushq $0
    pushq $SYSCALL_VECTOR
    pushq $0                    // rax
    pushq $0                    // rbx
    pushq $0                    // rcx
    pushq %r8                   // rdx = arg2
    pushq %rcx                  // rsi = arg1
    pushq %rdx                  // rdi = arg0
    .rept 9                     // rbp, r8-r15
    pushq $0
    .endr
    jmp hal_return_to_user
    .size hal_enter_user, . - hal_enter_user

// [[noreturn]] void hal_resume_user(const hal::TrapFrame* frame): returns to ring 3 through a
// whole saved frame (a forked child resumes where its parent called fork). The frame must be
// on the current kernel stack, below everything still in use: it becomes the stack top.
    .globl hal_resume_user
    .type hal_resume_user, @function
hal_resume_user:
    cli
    movq %rdi, %rsp
    jmp hal_return_to_user
    .size hal_resume_user, . - hal_resume_user

// void hal_breakpoint_with_user_gs(): an INT3 while GS holds the user's base, as an NMI or
// machine check finds it between a SWAPGS and the SYSRET/IRETQ after it. The exception entry
// must see that IA32_GS_BASE is not a kernel address and swap before the handler touches
// per-CPU data, and swap back on its way out. For the in-kernel test of that path.
    .globl hal_breakpoint_with_user_gs
    .type hal_breakpoint_with_user_gs, @function
hal_breakpoint_with_user_gs:
    pushfq
    cli
    swapgs
    int3
    swapgs
    popfq
    ret
    .size hal_breakpoint_with_user_gs, . - hal_breakpoint_with_user_gs

    .section .note.GNU-stack, "", @progbits
