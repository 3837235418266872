// A user program's first instruction (the ELF entry point). The kernel enters here in ring 3
// with rdi = argc, rsi = argv (an array of argc string pointers and a null, on the stack),
// rdx = this process's stack-protector canary (random), rsp 16-byte aligned and every other
// register zero (docs/processes.md, "Start-up").

    .section .text.entry, "ax", @progbits
    .globl _start
    .type _start, @function
_start:
    xorl %ebp, %ebp             // ends frame-pointer backtraces
    fxsave64 ember_initial_fpu(%rip)  // the x87/SSE state the kernel started us with
    movq %rdx, __stack_chk_guard(%rip)  // before any function with a canary runs
    xorl %edx, %edx
    call ember_start            // (argc, argv): runs main, then exits with its status
    ud2                         // ember_start never returns
    .size _start, . - _start

// A thread() thread's first instruction: RDI = its ThreadStart, RSP 16-byte aligned as at
// _start.
    .globl ember_thread_entry
    .type ember_thread_entry, @function
ember_thread_entry:
    xorl %ebp, %ebp
    call ember_thread_main      // runs fn(arg), then thread_exit
    ud2
    .size ember_thread_entry, . - ember_thread_entry

// i64 ember_syscall(u64 number, u64 a0, u64 a1, u64 a2, u64 a3, u64 a4): the System V call
// moved to the kernel's convention (abi/syscalls.hpp): number in rax, the fourth argument in
// r10 because SYSCALL takes rcx.
    .text
    .globl ember_syscall
    .type ember_syscall, @function
ember_syscall:
    movq %rdi, %rax
    movq %rsi, %rdi
    movq %rdx, %rsi
    movq %rcx, %rdx
    movq %r8, %r10
    movq %r9, %r8
    syscall
    ret
    .size ember_syscall, . - ember_syscall

// The FXSAVE image of the state at _start (user/runtime/ember.hpp), before compiled code
// uses any SSE register: a new process must see the clean state, nobody's leftovers.
    .bss
    .p2align 6
    .globl ember_initial_fpu
ember_initial_fpu:
    .zero 512

    .section .note.GNU-stack, "", @progbits
