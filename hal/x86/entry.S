// Kernel entry point. The loader jumps here with (docs/boot-protocol.md):
//   rdi = BootInfo* (virtual, in the direct map), rsp = boot stack top with a zero
//   return address pushed, interrupts off, the loader's page tables in CR3.
    .section .text.entry, "ax", @progbits
    .globl _start
    .type _start, @function
_start:
    endbr64                    // reached by an indirect jump: a valid target under CET IBT
    cli
    cld
    xorl %ebp, %ebp            // terminates frame-pointer backtraces
    andq $-16, %rsp            // SysV: rsp is 16-byte aligned before a call
    call kernel_main
1:  cli
    hlt
    jmp 1b
    .size _start, . - _start

    .section .note.GNU-stack, "", @progbits
