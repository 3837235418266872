// Register-level helpers for user/programs/fpu.cpp: values that must stay in the vector
// registers across system calls and preemption, where compiled code would spill them.
// System V: rdi, rsi, rdx, rcx arguments; every xmm/ymm register is caller-saved.

    .text

// void fpu_hold_xmm(const u8 in[256], u8 out[256], u64 rounds, u64 spin)
// Loads xmm0-15 from `in`, then `rounds` times: yield() (SYSCALL 3) and `spin` iterations of
// a busy loop (time slices end there), then stores xmm0-15 to `out`.
    .globl fpu_hold_xmm
    .type fpu_hold_xmm, @function
fpu_hold_xmm:
    movdqu 0(%rdi), %xmm0
    movdqu 16(%rdi), %xmm1
    movdqu 32(%rdi), %xmm2
    movdqu 48(%rdi), %xmm3
    movdqu 64(%rdi), %xmm4
    movdqu 80(%rdi), %xmm5
    movdqu 96(%rdi), %xmm6
    movdqu 112(%rdi), %xmm7
    movdqu 128(%rdi), %xmm8
    movdqu 144(%rdi), %xmm9
    movdqu 160(%rdi), %xmm10
    movdqu 176(%rdi), %xmm11
    movdqu 192(%rdi), %xmm12
    movdqu 208(%rdi), %xmm13
    movdqu 224(%rdi), %xmm14
    movdqu 240(%rdi), %xmm15
    call hold_loop
    movdqu %xmm0, 0(%rsi)
    movdqu %xmm1, 16(%rsi)
    movdqu %xmm2, 32(%rsi)
    movdqu %xmm3, 48(%rsi)
    movdqu %xmm4, 64(%rsi)
    movdqu %xmm5, 80(%rsi)
    movdqu %xmm6, 96(%rsi)
    movdqu %xmm7, 112(%rsi)
    movdqu %xmm8, 128(%rsi)
    movdqu %xmm9, 144(%rsi)
    movdqu %xmm10, 160(%rsi)
    movdqu %xmm11, 176(%rsi)
    movdqu %xmm12, 192(%rsi)
    movdqu %xmm13, 208(%rsi)
    movdqu %xmm14, 224(%rsi)
    movdqu %xmm15, 240(%rsi)
    ret
    .size fpu_hold_xmm, . - fpu_hold_xmm

// void fpu_hold_ymm(const u8 in[512], u8 out[512], u64 rounds, u64 spin): the same with
// ymm0-15 (AVX: the caller checks CPUID and XCR0 first).
    .globl fpu_hold_ymm
    .type fpu_hold_ymm, @function
fpu_hold_ymm:
    vmovdqu 0(%rdi), %ymm0
    vmovdqu 32(%rdi), %ymm1
    vmovdqu 64(%rdi), %ymm2
    vmovdqu 96(%rdi), %ymm3
    vmovdqu 128(%rdi), %ymm4
    vmovdqu 160(%rdi), %ymm5
    vmovdqu 192(%rdi), %ymm6
    vmovdqu 224(%rdi), %ymm7
    vmovdqu 256(%rdi), %ymm8
    vmovdqu 288(%rdi), %ymm9
    vmovdqu 320(%rdi), %ymm10
    vmovdqu 352(%rdi), %ymm11
    vmovdqu 384(%rdi), %ymm12
    vmovdqu 416(%rdi), %ymm13
    vmovdqu 448(%rdi), %ymm14
    vmovdqu 480(%rdi), %ymm15
    call hold_loop
    vmovdqu %ymm0, 0(%rsi)
    vmovdqu %ymm1, 32(%rsi)
    vmovdqu %ymm2, 64(%rsi)
    vmovdqu %ymm3, 96(%rsi)
    vmovdqu %ymm4, 128(%rsi)
    vmovdqu %ymm5, 160(%rsi)
    vmovdqu %ymm6, 192(%rsi)
    vmovdqu %ymm7, 224(%rsi)
    vmovdqu %ymm8, 256(%rsi)
    vmovdqu %ymm9, 288(%rsi)
    vmovdqu %ymm10, 320(%rsi)
    vmovdqu %ymm11, 352(%rsi)
    vmovdqu %ymm12, 384(%rsi)
    vmovdqu %ymm13, 416(%rsi)
    vmovdqu %ymm14, 448(%rsi)
    vmovdqu %ymm15, 480(%rsi)
    vzeroupper
    ret
    .size fpu_hold_ymm, . - fpu_hold_ymm

// rdx rounds of yield + rcx-iteration spin; touches only general registers (rsi/rdi kept).
hold_loop:
    movq %rcx, %r8
    testq %rdx, %rdx
    jz 3f
1:  movq $3, %rax               // abi::Syscall::Yield
    pushq %rdi
    pushq %rsi
    pushq %rdx
    pushq %r8
    syscall                     // clobbers rcx, r11 (and rax: the result)
    popq %r8
    popq %rdx
    popq %rsi
    popq %rdi
    movq %r8, %rcx
2:  decq %rcx
    jnz 2b
    decq %rdx
    jnz 1b
3:  ret

// void fpu_upper_halves(u8 out[256]): the upper 128 bits of ymm0-15 (AVX), untouched by the
// legacy-SSE code the compiler emits, so still what the kernel gave the process.
    .globl fpu_upper_halves
    .type fpu_upper_halves, @function
fpu_upper_halves:
    vextractf128 $1, %ymm0, 0(%rdi)
    vextractf128 $1, %ymm1, 16(%rdi)
    vextractf128 $1, %ymm2, 32(%rdi)
    vextractf128 $1, %ymm3, 48(%rdi)
    vextractf128 $1, %ymm4, 64(%rdi)
    vextractf128 $1, %ymm5, 80(%rdi)
    vextractf128 $1, %ymm6, 96(%rdi)
    vextractf128 $1, %ymm7, 112(%rdi)
    vextractf128 $1, %ymm8, 128(%rdi)
    vextractf128 $1, %ymm9, 144(%rdi)
    vextractf128 $1, %ymm10, 160(%rdi)
    vextractf128 $1, %ymm11, 176(%rdi)
    vextractf128 $1, %ymm12, 192(%rdi)
    vextractf128 $1, %ymm13, 208(%rdi)
    vextractf128 $1, %ymm14, 224(%rdi)
    vextractf128 $1, %ymm15, 240(%rdi)
    ret
    .size fpu_upper_halves, . - fpu_upper_halves

    .section .note.GNU-stack, "", @progbits
