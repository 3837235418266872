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
// `bytes` bytes; returns 0, or the number of bytes not copied when an access faulted (at least
// that many: a fault inside a 64-byte block counts the whole block, one inside an 8-byte move
// all 8). The caller has checked that the user side lies in user space.
//
// The bulk goes 64 bytes per iteration as eight 8-byte loads and stores, the loop the
// kernel's memcpy compiles to (libk/src/mem.cpp); the last 0-63 bytes by REP MOVSQ and REP
// MOVSB. Not REP MOVSQ throughout: QEMU's TCG emulates a REP string instruction an iteration
// at a time, a loop exit and re-entry per 8 bytes, and measured 640 cycles per KiB against
// this loop's 450 (docs/pipes.md, "Numbers"); on hardware without fast strings (no CPUID
// ERMSB) an unrolled loop is also the faster one. A faulting REP instruction stops with RCX,
// RSI and RDI describing the iterations done (Intel SDM Vol. 2B, REP).
    .globl hal_copy_user
    .type hal_copy_user, @function
hal_copy_user:
    movq %rdx, %rcx
    shrq $6, %rcx               // RCX: 64-byte blocks
    andl $63, %edx              // RDX: the bytes after them
    USER_ACCESS_BEGIN
    testq %rcx, %rcx
    jz .Ltail
.Lblock:
.Lb0: movq 0(%rsi), %rax
.Lb1: movq 8(%rsi), %r8
.Lb2: movq 16(%rsi), %r9
.Lb3: movq 24(%rsi), %r10
.Lb4: movq %rax, 0(%rdi)
.Lb5: movq %r8, 8(%rdi)
.Lb6: movq %r9, 16(%rdi)
.Lb7: movq %r10, 24(%rdi)
.Lb8: movq 32(%rsi), %rax
.Lb9: movq 40(%rsi), %r8
.Lb10: movq 48(%rsi), %r9
.Lb11: movq 56(%rsi), %r10
.Lb12: movq %rax, 32(%rdi)
.Lb13: movq %r8, 40(%rdi)
.Lb14: movq %r9, 48(%rdi)
.Lb15: movq %r10, 56(%rdi)
    addq $64, %rsi
    addq $64, %rdi
    decq %rcx
    jnz .Lblock
.Ltail:
    movq %rdx, %rcx
    shrq $3, %rcx               // RCX: 8-byte moves
    andl $7, %edx               // RDX: the bytes after them
.Lcopy_quads:
    rep movsq
    movq %rdx, %rcx
.Lcopy_bytes:
    rep movsb
    USER_ACCESS_END
    xorl %eax, %eax
    ret
.Lblock_fault:                  // RCX: the blocks left, this one included; RDX: the rest
    USER_ACCESS_END
    shlq $6, %rcx
    leaq (%rdx,%rcx), %rax
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
    .irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
    FIXUP .Lb\n, .Lblock_fault
    .endr
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
