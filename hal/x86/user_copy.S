// Copies between kernel and user memory that survive a bad user pointer (docs/processes.md,
// "User memory"). The instructions that touch user memory are listed in the exception-fixup
// table (section .ember_fixup: pairs of 32-bit offsets, each relative to its own field, so
// the table needs no relocation): a #PF or #GP at one of them resumes at its fixup, which
// returns an error instead of crashing the kernel (hal/user_mode.hpp, fixup_for).
//
// With SMAP on (CR4.SMAP) the kernel may touch user pages only with RFLAGS.AC set: STAC
// before, CLAC after, on every path. hal_smap_enabled says whether the CPU has the
// instructions (they are #UD without SMAP).

    .macro FIXUP insn, fixup
    .pushsection .ember_fixup, "a", @progbits
    .p2align 2
    .long \insn - .
    .long \fixup - .
    .popsection
    .endm

    .macro USER_ACCESS_BEGIN
    cmpb $0, hal_smap_enabled(%rip)
    je 91f
    stac
91:
    .endm

    .macro USER_ACCESS_END
    cmpb $0, hal_smap_enabled(%rip)
    je 92f
    clac
92:
    .endm

    .text

// u64 hal_copy_user(void* dst /*rdi*/, const void* src /*rsi*/, u64 bytes /*rdx*/): copies
// `bytes` bytes; returns 0, or the number of bytes not copied when an access faulted (a fault
// inside an 8-byte move counts all 8 as not copied). The caller has checked that the user side
// lies in user space. The bulk goes 8 bytes per iteration (REP MOVSQ), the last 0-7 bytes one
// at a time (REP MOVSB): as fast as REP MOVSB throughout where the CPU has fast strings (CPUID
// ERMSB), faster where it has not, and 8 times faster under QEMU's TCG, which emulates a REP
// string instruction an iteration at a time (a pipe's throughput: docs/pipes.md). A faulting
// REP instruction stops with RCX, RSI and RDI describing the iterations done (Intel SDM
// Vol. 2B, REP).
    .globl hal_copy_user
    .type hal_copy_user, @function
hal_copy_user:
    movq %rdx, %rcx
    shrq $3, %rcx               // RCX: 8-byte moves
    andl $7, %edx               // RDX: the bytes after them
    USER_ACCESS_BEGIN
.Lcopy_quads:
    rep movsq
    movq %rdx, %rcx
.Lcopy_bytes:
    rep movsb
    USER_ACCESS_END
    xorl %eax, %eax
    ret
.Lquads_fault:                  // RCX: the 8-byte moves left; RDX: the bytes after them
    USER_ACCESS_END
    leaq (%rdx,%rcx,8), %rax
    ret
.Lbytes_fault:                  // RCX: the bytes rep movsb had left
    USER_ACCESS_END
    movq %rcx, %rax
    ret
    .size hal_copy_user, . - hal_copy_user
    FIXUP .Lcopy_quads, .Lquads_fault
    FIXUP .Lcopy_bytes, .Lbytes_fault

// i64 hal_copy_user_string(char* dst /*rdi*/, const char* src /*rsi*/, u64 capacity /*rdx*/):
// copies bytes up to and including a NUL, at most `capacity`; returns the string's length
// (without the NUL), `capacity` if no NUL came within it, or -1 when an access faulted.
    .globl hal_copy_user_string
    .type hal_copy_user_string, @function
hal_copy_user_string:
    xorl %eax, %eax
    USER_ACCESS_BEGIN
1:  cmpq %rdx, %rax
    je 2f
.Lstring_load:
    movb (%rsi,%rax), %cl
    movb %cl, (%rdi,%rax)
    testb %cl, %cl
    jz 2f
    incq %rax
    jmp 1b
2:  USER_ACCESS_END
    ret
.Lstring_fault:
    USER_ACCESS_END
    movq $-1, %rax
    ret
    .size hal_copy_user_string, . - hal_copy_user_string
    FIXUP .Lstring_load, .Lstring_fault

    .section .note.GNU-stack, "", @progbits
