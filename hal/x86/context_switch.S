// The context switch. Contract, frame layout and interrupt rules: hal/include/hal/context.hpp.
// Assembled for the kernel and for the host (tests, benchmark): System V AMD64 ABI on both.

    .text

// void hal_context_switch(u64* save_sp /* rdi */, u64 load_sp /* rsi */)
    .globl hal_context_switch
    .type hal_context_switch, @function
    .p2align 4
hal_context_switch:
    // The return address is already on the stack: push the callee-saved registers below it.
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret                         // into the resumed context (or hal_context_start)
    .size hal_context_switch, . - hal_context_switch

// A prepared context's first return lands here with r12 = entry, r13 = arg, rbp = 0 and
// rsp 16-byte aligned (hal::context::prepare).
    .globl hal_context_start
    .type hal_context_start, @function
hal_context_start:
    movq %r13, %rdi
    callq *%r12
    ud2                         // entry functions must not return
    .size hal_context_start, . - hal_context_start

    .section .note.GNU-stack, "", @progbits
