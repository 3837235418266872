// Loader → kernel handoff, assembled for the loader's PE/COFF target (MS x64 ABI):
//   void ember_handoff(u64 cr3 /*rcx*/, u64 stack_top /*rdx*/, u64 entry /*r8*/,
//                      u64 boot_info /*r9*/)
// The loader identity-maps the page holding this code in the new tables, because the
// instruction after `mov %rcx, %cr3` is fetched through them. Aligned to 64 bytes so the
// whole routine sits in that one page.
    .text
    .p2align 6
    .globl ember_handoff
ember_handoff:
    cli
    movq %rcx, %cr3
    movq %rdx, %rsp
    movq %r9, %rdi             // SysV first argument: BootInfo*
    xorl %ebp, %ebp
    pushq $0                   // fake return address: ends backtraces, SysV alignment
    jmpq *%r8
    ud2
