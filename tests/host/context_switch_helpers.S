// Test helpers for tests/host/context_switch_test.cpp: they put known values in the
// callee-saved registers around hal_context_switch, which C++ cannot do.

    .text

// The helpers overwrite the callee-saved registers, so they keep their caller's values
// around the switch, as the ABI requires.
.macro save_callee_saved
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
.endm

.macro restore_callee_saved
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
.endm

// void test_switch_with_pattern(u64* save_sp, u64 load_sp, u64 out[6])
// Loads 0x1111...1 .. 0x6666...6 into rbx, rbp, r12-r15, switches away, and when resumed
// stores what those registers hold into out[0..5] (rbx, rbp, r12, r13, r14, r15).
    .globl test_switch_with_pattern
    .type test_switch_with_pattern, @function
test_switch_with_pattern:
    save_callee_saved
    pushq %rdx                       // out (also keeps the stack 16-byte aligned)
    movabsq $0x1111111111111111, %rbx
    movabsq $0x2222222222222222, %rbp
    movabsq $0x3333333333333333, %r12
    movabsq $0x4444444444444444, %r13
    movabsq $0x5555555555555555, %r14
    movabsq $0x6666666666666666, %r15
    call hal_context_switch
    popq %rax                        // out
    movq %rbx, 0(%rax)
    movq %rbp, 8(%rax)
    movq %r12, 16(%rax)
    movq %r13, 24(%rax)
    movq %r14, 32(%rax)
    movq %r15, 40(%rax)
    restore_callee_saved
    ret
    .size test_switch_with_pattern, . - test_switch_with_pattern

// void test_switch_clobbering(u64* save_sp, u64 load_sp)
// Overwrites rbx, rbp, r12-r15 with garbage, then switches away. (Restores them for its own
// caller when resumed, as the ABI requires.)
    .globl test_switch_clobbering
    .type test_switch_clobbering, @function
test_switch_clobbering:
    save_callee_saved
    subq $8, %rsp
    movq $-1, %rbx
    movq $-2, %rbp
    movq $-3, %r12
    movq $-4, %r13
    movq $-5, %r14
    movq $-6, %r15
    call hal_context_switch
    addq $8, %rsp
    restore_callee_saved
    ret
    .size test_switch_clobbering, . - test_switch_clobbering

// [[noreturn]] void test_capturing_entry(void* arg): an entry function for a prepared
// context that records rsp and rbp as it finds them on entry in test_entry_state[0..1],
// then continues as test_entry_continue(arg) (a tail jump: same stack as a call).
    .globl test_capturing_entry
    .type test_capturing_entry, @function
test_capturing_entry:
    movq %rsp, test_entry_state(%rip)
    movq %rbp, test_entry_state+8(%rip)
    jmp test_entry_continue
    .size test_capturing_entry, . - test_capturing_entry

    .section .note.GNU-stack, "", @progbits
