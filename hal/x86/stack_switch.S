// [[noreturn]] void ember_switch_stack(u64 stack_top /*rdi*/, void (*entry)(void*) /*rsi*/,
//                                     void* argument /*rdx*/)   — SysV ABI
// Moves to a new stack and calls entry(argument) as if from a function with no caller:
// rbp = 0 and a zero return address end frame-pointer backtraces there. With stack_top
// 16-byte aligned, rsp = top - 8 at entry, as the SysV ABI expects after a call.
    .text
    .globl ember_switch_stack
    .type ember_switch_stack, @function
ember_switch_stack:
    movq %rdi, %rsp
    xorl %ebp, %ebp
    pushq $0
    movq %rdx, %rdi
    jmpq *%rsi
    .size ember_switch_stack, . - ember_switch_stack

    .section .note.GNU-stack, "", @progbits
