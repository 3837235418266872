// One-instruction wrappers for x86-64 instructions (Intel SDM Vol. 2). Header-only so the
// loader (PE target) and the kernel (ELF target) share them. Anything longer than one
// instruction belongs in a .S file.
#pragma once

#include <hal/rflags.hpp>
#include <libk/types.hpp>

namespace hal::cpu {

inline u8 inb(u16 port) {
  u8 v;
  asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
  return v;
}
inline u16 inw(u16 port) {
  u16 v;
  asm volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
  return v;
}
inline u32 inl(u16 port) {
  u32 v;
  asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
  return v;
}
inline void outb(u16 port, u8 v) { asm volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
inline void outw(u16 port, u16 v) { asm volatile("outw %0, %1" : : "a"(v), "Nd"(port)); }
inline void outl(u16 port, u32 v) { asm volatile("outl %0, %1" : : "a"(v), "Nd"(port)); }

inline u64 rdtsc() {
  u32 lo, hi;
  asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
  return (u64(hi) << 32) | lo;
}

// RDRAND (SDM Vol. 2B, "RDRAND"): a random number from the CPU's generator; CF = 0 when none
// was ready (the caller retries a few times, SDM Vol. 1 §7.3.17.1). Only when CPUID says so
// (CpuInfo::rdrand).
[[nodiscard]] inline bool rdrand(u64& out) {
  bool ok;
  asm volatile("rdrand %0" : "=r"(out), "=@ccc"(ok));
  return ok;
}

// REP MOVSQ (SDM Vol. 2B, "MOVS/MOVSB/MOVSW/MOVSD/MOVSQ" and "REP"): copies `qwords`
// 8-byte words from src to dst, ascending (the direction flag is clear in Ember). The
// console's framebuffer copy uses it: one instruction the CPU streams in bulk.
inline void rep_movsq(void* dst, const void* src, usize qwords) {
  asm volatile("rep movsq" : "+D"(dst), "+S"(src), "+c"(qwords) : : "memory");
}

// XSETBV/XGETBV (SDM Vol. 2C): write/read extended control register `index` (0: XCR0, the
// state components XSAVE manages). XSETBV needs CR4.OSXSAVE and ring 0.
inline void xsetbv(u32 index, u64 v) {
  asm volatile("xsetbv" : : "c"(index), "a"(u32(v)), "d"(u32(v >> 32)) : "memory");
}
inline u64 xgetbv(u32 index) {
  u32 lo, hi;
  asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(index));
  return (u64(hi) << 32) | lo;
}
// XSAVE/XRSTOR (SDM Vol. 2C; Vol. 1 §13.7, §13.8) in the standard form: the components in
// `mask` & XCR0 to/from a 64-byte aligned area. FXSAVE64/FXRSTOR64 (Vol. 2A): the x87/SSE
// legacy region only, for CPUs without XSAVE; 16-byte aligned area.
inline void xsave(void* area, u64 mask) {
  asm volatile("xsave64 (%0)" : : "r"(area), "a"(u32(mask)), "d"(u32(mask >> 32)) : "memory");
}
inline void xrstor(const void* area, u64 mask) {
  asm volatile("xrstor64 (%0)" : : "r"(area), "a"(u32(mask)), "d"(u32(mask >> 32)) : "memory");
}
inline void fxsave(void* area) { asm volatile("fxsave64 (%0)" : : "r"(area) : "memory"); }
inline void fxrstor(const void* area) { asm volatile("fxrstor64 (%0)" : : "r"(area) : "memory"); }

struct CpuidResult {
  u32 eax, ebx, ecx, edx;
};
inline CpuidResult cpuid(u32 leaf, u32 subleaf = 0) {
  CpuidResult r;
  asm volatile("cpuid"
               : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
               : "a"(leaf), "c"(subleaf));
  return r;
}

inline u64 rdmsr(u32 msr) {
  u32 lo, hi;
  asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
  return (u64(hi) << 32) | lo;
}
inline void wrmsr(u32 msr, u64 v) {
  asm volatile("wrmsr" : : "c"(msr), "a"(u32(v)), "d"(u32(v >> 32)) : "memory");
}

inline u64 read_cr0() {
  u64 v;
  asm volatile("mov %%cr0, %0" : "=r"(v));
  return v;
}
inline u64 read_cr2() {
  u64 v;
  asm volatile("mov %%cr2, %0" : "=r"(v));
  return v;
}
inline u64 read_cr3() {
  u64 v;
  asm volatile("mov %%cr3, %0" : "=r"(v));
  return v;
}
inline u64 read_cr4() {
  u64 v;
  asm volatile("mov %%cr4, %0" : "=r"(v));
  return v;
}
inline void write_cr0(u64 v) { asm volatile("mov %0, %%cr0" : : "r"(v) : "memory"); }
inline void write_cr3(u64 v) { asm volatile("mov %0, %%cr3" : : "r"(v) : "memory"); }
inline void write_cr4(u64 v) { asm volatile("mov %0, %%cr4" : : "r"(v) : "memory"); }

// The 8 bytes at GS:offset (offset a constant): one instruction, so the value comes from the
// CPU the instruction runs on even if the thread moves between CPUs right after.
template <u32 Offset>
inline u64 read_gs_u64() {
  u64 v;
  asm volatile("movq %%gs:%c1, %0" : "=r"(v) : "i"(Offset));
  return v;
}

inline u64 read_rflags() {
  u64 v;
  asm volatile("pushfq; popq %0" : "=r"(v));
  return v;
}
inline u64 read_rbp() {
  u64 v;
  asm volatile("mov %%rbp, %0" : "=r"(v));
  return v;
}
inline u64 read_rsp() {
  u64 v;
  asm volatile("mov %%rsp, %0" : "=r"(v));
  return v;
}

inline void cli() { asm volatile("cli" ::: "memory"); }
inline void sti() { asm volatile("sti" ::: "memory"); }
inline void hlt() { asm volatile("hlt" ::: "memory"); }
inline void pause() { asm volatile("pause"); }
inline void invlpg(u64 va) { asm volatile("invlpg (%0)" : : "r"(va) : "memory"); }
inline void int3() { asm volatile("int3"); }
inline void mfence() { asm volatile("mfence" ::: "memory"); }
inline void lfence() { asm volatile("lfence" ::: "memory"); }
inline void sfence() { asm volatile("sfence" ::: "memory"); }
// Writes back and invalidates the cache line holding `p` (SDM Vol. 2A, CLFLUSH).
inline void clflush(const volatile void* p) { asm volatile("clflush (%0)" : : "r"(p) : "memory"); }

// Descriptor-table registers (SDM Vol. 3A §2.4). `pointer` is a packed {u16 limit; u64 base}.
inline void lidt(const void* pointer) { asm volatile("lidt (%0)" : : "r"(pointer) : "memory"); }
inline void sidt(void* pointer) { asm volatile("sidt (%0)" : : "r"(pointer) : "memory"); }
inline void sgdt(void* pointer) { asm volatile("sgdt (%0)" : : "r"(pointer) : "memory"); }
inline void ltr(u16 selector) { asm volatile("ltr %0" : : "r"(selector) : "memory"); }
inline u16 str() {
  u16 v;
  asm volatile("str %0" : "=r"(v));
  return v;
}
// Loads ES (used by a test to provoke a selector #GP; the kernel never changes ES).
inline void write_es(u16 selector) { asm volatile("mov %0, %%es" : : "r"(selector) : "memory"); }

inline bool interrupts_enabled() { return Rflags(read_rflags()).interrupt_enable(); }

// Stops this CPU for good: interrupts off, halt forever (an NMI returns to the loop).
[[noreturn]] inline void halt_forever() {
  for (;;) {
    cli();
    hlt();
  }
}

}  // namespace hal::cpu
