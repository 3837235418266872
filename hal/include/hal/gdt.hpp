// The kernel's Global Descriptor Table and Task-State Segment (Intel SDM Vol. 3A §3.4.5,
// §5.2.1 for 64-bit segments, §8.7 for the 64-bit TSS).
//
// In long mode the TSS holds no task state: it supplies the stack pointers the CPU switches
// to on an interrupt. Ember uses three Interrupt Stack Table entries so that the exceptions
// that can arrive with a broken stack still run on a good one (SDM Vol. 3A §6.14.5):
//   IST1  double fault (#DF) — e.g. a kernel stack overflow: #PF cannot push its frame
//   IST2  NMI — may arrive anywhere, even on the first instruction of another handler
//   IST3  machine check (#MC) — the interrupted stack may be the thing that is broken
#pragma once

#include <libk/types.hpp>

namespace hal::gdt {

// Selectors. 0x18 and 0x20 are left free for the user data/code pair SYSRET needs
// (STAR-based: user data = base + 8, user code = base + 16; SDM Vol. 2B, SYSRET).
inline constexpr u16 kKernelCode = 0x08;
inline constexpr u16 kKernelData = 0x10;
inline constexpr u16 kTss = 0x28;  // a 16-byte system descriptor (slots 5 and 6)

// IST slots (1-based, as in the IDT gate's IST field).
inline constexpr u8 kIstDoubleFault = 1;
inline constexpr u8 kIstNmi = 2;
inline constexpr u8 kIstMachineCheck = 3;
inline constexpr u8 kIstCount = 3;

inline constexpr u64 kIstStackSize = 16 * 1024;

// Loads Ember's GDT, reloads every segment register and loads the task register. Call once,
// first thing in kernel_main: the loader leaves the firmware's GDT in place, and its memory
// is not mapped in the kernel.
void init();

struct StackRange {
  u64 bottom;  // lowest address
  u64 top;     // one past the highest; the initial stack pointer
};

// The stack used for IST slot `ist` (1..kIstCount). Statically allocated in .bss.
// FIXME: no guard pages below these: an overflow runs into the .bss below. Kernel stacks from
// kernel/memory/stacks.hpp (guard-paged) would catch it.
StackRange ist_stack(u8 ist);

}  // namespace hal::gdt
