/* The AP trampoline page's layout, shared by hal/x86/ap_trampoline.S and hal/ap_boot.hpp
 * (C preprocessor only: the assembler includes it too). The code starts at offset 0, where
 * a start-up IPI begins execution; the data the kernel fills in lives at AP_DATA. */
#ifndef HAL_AP_TRAMPOLINE_LAYOUT_H
#define HAL_AP_TRAMPOLINE_LAYOUT_H

#define AP_DATA 0x400 /* offset of hal::ap::TrampolineData in the page */

/* Offsets within TrampolineData (static_asserted against the struct). */
#define AP_GDT 0x00   /* 4 descriptors: null, 32-bit code, 32-bit data, 64-bit code */
#define AP_GDTR 0x20  /* u16 limit, u32 base (the base is computed by the code) */
#define AP_FAR32 0x28 /* u32 offset, u16 selector: into 32-bit protected mode */
#define AP_FAR64 0x30 /* u32 offset, u16 selector: into 64-bit long mode */
#define AP_CR3 0x38   /* the temporary page tables (below 4 GiB) */
#define AP_CR4 0x40
#define AP_EFER 0x48
#define AP_CR0 0x50
#define AP_STACK 0x58 /* the stack the AP's C++ entry runs on */
#define AP_ENTRY 0x60 /* void entry(u64 arg): never returns */
#define AP_ARG 0x68
#define AP_DATA_SIZE 0x70

#define AP_SELECTOR_CODE32 0x08
#define AP_SELECTOR_DATA32 0x10
#define AP_SELECTOR_CODE64 0x18

#endif
