// The application-processor trampoline (Intel SDM Vol. 3A §9.4 "Multiple-processor (MP)
// initialization", §9.8.5 "Initializing IA-32e mode"). Not run in place: the kernel copies
// hal_ap_trampoline_start..end to a page below 1 MiB, fills the data block at AP_DATA
// (hal/ap_boot.hpp) and sends a start-up IPI whose vector is that page's number. The AP
// then runs from offset 0 of the page in real mode, with CS = page >> 4 and IP = 0.
//
// Everything is relative to the page's base, which the code computes from CS (it runs
// wherever the kernel put it): real mode -> 32-bit protected mode (flat segments from the
// data block's GDT) -> paging with the temporary tables and EFER.LME -> 64-bit mode -> the
// kernel's C++ entry on its own stack. The control-register values come from the data
// block, computed by typed registers in C++, so no bit is written here as a constant.
#include <hal/ap_trampoline_layout.h>

#define DATA(field) (AP_DATA + field)
#define IA32_EFER 0xC0000080

    .section .rodata.ap_trampoline, "a"
    .balign 4096
    .globl hal_ap_trampoline_start
    .globl hal_ap_trampoline_end

    .code16
hal_ap_trampoline_start:
    cli
    cld
    movw %cs, %ax
    movw %ax, %ds
    movzwl %ax, %ebx
    shll $4, %ebx                        // ebx = the page's physical address
    // The GDT's base and both far-jump targets are linear addresses: base + offset.
    leal DATA(AP_GDT)(%ebx), %eax
    movl %eax, DATA(AP_GDTR) + 2
    leal (protected_mode - hal_ap_trampoline_start)(%ebx), %eax
    movl %eax, DATA(AP_FAR32)
    leal (long_mode - hal_ap_trampoline_start)(%ebx), %eax
    movl %eax, DATA(AP_FAR64)
    lgdtl DATA(AP_GDTR)
    movl DATA(AP_CR0), %eax
    andl $1, %eax                        // CR0.PE only: paging comes after CR3 and EFER
    movl %cr0, %edx
    orl %eax, %edx
    movl %edx, %cr0
    ljmpl *DATA(AP_FAR32)

    .code32
protected_mode:
    movw $AP_SELECTOR_DATA32, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movl DATA(AP_CR4)(%ebx), %eax        // PAE (and what else the kernel wants early)
    movl %eax, %cr4
    movl DATA(AP_CR3)(%ebx), %eax
    movl %eax, %cr3
    movl $IA32_EFER, %ecx                // LME and NXE before paging is turned on
    movl DATA(AP_EFER)(%ebx), %eax
    movl DATA(AP_EFER) + 4(%ebx), %edx
    wrmsr
    movl DATA(AP_CR0)(%ebx), %eax        // PG: IA-32e mode is active from here
    movl %eax, %cr0
    ljmpl *DATA(AP_FAR64)(%ebx)

    .code64
long_mode:
    movl %ebx, %ebx                      // the upper halves are undefined after the switch
    movq DATA(AP_STACK)(%rbx), %rsp
    movq DATA(AP_ARG)(%rbx), %rdi
    movq DATA(AP_ENTRY)(%rbx), %rax
    xorl %ebp, %ebp                      // the end of every backtrace
    pushq $0                             // no return address: the entry never returns
    jmpq *%rax

    .org AP_DATA
    .skip AP_DATA_SIZE
hal_ap_trampoline_end:

    .section .note.GNU-stack, "", @progbits
