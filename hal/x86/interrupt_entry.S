// Interrupt and exception entry (Intel SDM Vol. 3A §6.12.1, §6.14).
//
// 256 stubs, one per vector, their addresses listed in hal_interrupt_stubs[] (read by
// hal/x86/idt.cpp). Each stub makes the stack uniform — it pushes a zero error
// code for the vectors where the CPU pushes none (SDM Vol. 3A Table 6-1) — pushes its vector
// and jumps to the common path, which saves the general registers to complete a
// hal::TrapFrame and calls hal_trap_dispatch(frame).
//
// Alignment: the CPU aligns RSP to 16 bytes before pushing its 5-quadword frame (SDM Vol. 3A
// §6.14.2); error code + vector + 15 registers make 22 quadwords = 176 bytes, so RSP is
// 16-byte aligned at the call, as the SysV ABI requires.
//
// GS: the kernel's per-CPU block while the kernel runs, the user's (0) in ring 3; SWAPGS
// exchanges them (SDM Vol. 2B, SWAPGS). Entry from ring 3 swaps, and the exit swaps back. An
// exception from ring 0 may have arrived in the few instructions between a SWAPGS and the
// SYSRET/IRETQ (an NMI or machine check can interrupt anything, an IRETQ to a bad frame
// raises #GP there): for vectors below 32 from ring 0 the entry reads IA32_GS_BASE and swaps
// if it is not a kernel address. r12 (callee-saved, so it survives the call) remembers
// whether to swap back.

#include <hal/user_layout.h>

    .altmacro

// Vectors with a CPU error code: #DF, #TS, #NP, #SS, #GP, #PF, #AC, #CP, #VC, #SX.
    .set ERROR_CODE_VECTORS, (1 << 8) | (1 << 10) | (1 << 11) | (1 << 12) | (1 << 13) | \
                             (1 << 14) | (1 << 17) | (1 << 21) | (1 << 29) | (1 << 30)

.macro ENTRY_STUB vector
    .p2align 4, 0xcc
hal_interrupt_stub_\vector:
    endbr64                     // event delivery is an indirect branch under CET IBT
    .if \vector >= 32
    pushq $0
    .elseif ((ERROR_CODE_VECTORS >> \vector) & 1) == 0
    pushq $0
    .endif
    pushq $\vector
    jmp hal_interrupt_common
.endm

.macro STUB_ADDRESS vector
    .quad hal_interrupt_stub_\vector
.endm

    .text
    .set vector, 0
    .rept 256
    ENTRY_STUB %vector
    .set vector, vector + 1
    .endr

// The stub addresses, indexed by vector (read by hal/x86/idt.cpp).
    .section .rodata, "a", @progbits
    .p2align 3
    .globl hal_interrupt_stubs
    .type hal_interrupt_stubs, @object
hal_interrupt_stubs:
    .set vector, 0
    .rept 256
    STUB_ADDRESS %vector
    .set vector, vector + 1
    .endr
    .size hal_interrupt_stubs, . - hal_interrupt_stubs

    .text
    .p2align 4
    .type hal_interrupt_common, @function
hal_interrupt_common:
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
    xorl %r12d, %r12d
    testb $3, FRAME_CS(%rsp)
    jnz 1f                      // from ring 3
    cmpq $32, FRAME_VECTOR(%rsp)
    jae 2f                      // an interrupt in ring 0: IF was set, GS is the kernel's
    movl $0xC0000101, %ecx      // IA32_GS_BASE
    rdmsr
    testl %edx, %edx
    js 2f                       // a kernel address: already the kernel's
1:  swapgs
    movl $1, %r12d
2:  cld                         // the SysV ABI requires DF = 0 at calls
    movq %rsp, %rdi             // hal::TrapFrame*
    call hal_trap_dispatch
    testl %r12d, %r12d
    jz 3f
    swapgs
3:  popq %r15
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
    iretq
    .size hal_interrupt_common, . - hal_interrupt_common

// void hal_enable_interrupts_and_halt(): STI; HLT with nothing in between, so that an
// interrupt pending at the STI wakes the HLT (the STI interrupt shadow covers the HLT).
    .globl hal_enable_interrupts_and_halt
    .type hal_enable_interrupts_and_halt, @function
hal_enable_interrupts_and_halt:
    sti
    hlt
    ret
    .size hal_enable_interrupts_and_halt, . - hal_enable_interrupts_and_halt

    .section .note.GNU-stack, "", @progbits
