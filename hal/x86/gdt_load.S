// void hal_load_gdt(const GdtPointer* gdtr, u64 code_selector, u64 data_selector)
// Loads the GDT, reloads CS with a far return and the data segment registers.
    .text
    .globl hal_load_gdt
    .type hal_load_gdt, @function
hal_load_gdt:
    lgdt (%rdi)
    movw %dx, %ds
    movw %dx, %es
    movw %dx, %ss
    xorl %eax, %eax
    movw %ax, %fs
    movw %ax, %gs
    popq %rax                  // return address
    pushq %rsi                 // new CS
    pushq %rax
    lretq
    .size hal_load_gdt, . - hal_load_gdt

    .section .note.GNU-stack, "", @progbits
