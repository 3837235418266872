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

// Selectors. The user pair is in the order SYSRET needs: with IA32_STAR[63:48] = 0x10,
// SYSRET loads SS = 0x10 + 8 and CS = 0x10 + 16, each with RPL 3 (SDM Vol. 2B, SYSRET).
inline constexpr u16 kKernelCode = 0x08;
inline constexpr u16 kKernelData = 0x10;
inline constexpr u16 kUserData = 0x18 | 3;
inline constexpr u16 kUserCode = 0x20 | 3;
inline constexpr u16 kTss = 0x28;  // a 16-byte system descriptor (slots 5 and 6)

// IST slots (1-based, as in the IDT gate's IST field).
inline constexpr u8 kIstDoubleFault = 1;
inline constexpr u8 kIstNmi = 2;
inline constexpr u8 kIstMachineCheck = 3;
inline constexpr u8 kIstCount = 3;

inline constexpr u64 kIstStackSize = 16 * 1024;

// 64-bit TSS — SDM Vol. 3A §8.7, Figure 8-11.
struct [[gnu::packed]] Tss {
  u32 reserved0;
  u64 rsp[3];  // stacks for privilege changes to rings 0-2
  u64 reserved1;
  u64 ist[7];  // IST1..IST7
  u64 reserved2;
  u16 reserved3;
  u16 io_map_base;  // >= limit: no I/O permission bitmap
};
static_assert(sizeof(Tss) == 104);

// One CPU's GDT and TSS: each CPU needs its own, since the TSS descriptor is marked busy
// when loaded and the IST stacks must not be shared.
struct CpuTables {
  u64 gdt[7];  // null, code, data, user data, user code, TSS low, TSS high
  Tss tss;
};

// Fills `tables` (IST slot i's stack pointer is ist_tops[i - 1]), loads the GDT, reloads every
// segment register and loads the task register, on this CPU. GS's base is left 0: set it
// afterwards (the per-CPU data). Context: a CPU's first steps, interrupts off.
void load(CpuTables& tables, const u64 (&ist_tops)[kIstCount]);

// Points IST slot `ist` of a loaded TSS at a new stack; it takes effect at the next interrupt
// on that slot. Context: the CPU that owns `tables`, interrupts off.
void set_ist(CpuTables& tables, u8 ist, u64 top);

// Points RSP0 of a loaded TSS at `top`: the stack the CPU switches to when an interrupt or
// exception arrives in ring 3 (SDM Vol. 3A §8.7). The scheduler sets it to the running
// thread's kernel stack. Context: the CPU that owns `tables`, interrupts off.
void set_rsp0(CpuTables& tables, u64 top);

// The bootstrap CPU's tables and IST stacks, in .bss: kernel_main loads them first thing
// (the loader leaves the firmware's GDT in place, and its memory is not mapped in the
// kernel), before any memory allocator exists. The kernel later moves the IST slots onto
// guard-paged stacks (set_ist; kernel/exceptions.cpp, move_boot_ist_stacks).
void init();
CpuTables& boot_tables();

struct StackRange {
  u64 bottom;  // lowest address
  u64 top;     // one past the highest; the initial stack pointer
};

// The bootstrap CPU's first stack for IST slot `ist` (1..kIstCount), in .bss without a
// guard page; used until the kernel replaces it.
StackRange ist_stack(u8 ist);

}  // namespace hal::gdt
