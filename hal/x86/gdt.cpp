#include <hal/cpu.hpp>
#include <hal/gdt.hpp>

extern "C" void hal_load_gdt(const void* gdtr, u64 code_selector, u64 data_selector);

namespace hal::gdt {

namespace {

struct [[gnu::packed]] GdtPointer {
  u16 limit;
  u64 base;
};

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

// Segment descriptors (SDM Vol. 3A §3.4.5): in long mode base and limit are ignored; what
// matters is P, DPL, S, type, and L for code.
constexpr u64 kCodeKernel = 0x00AF'9A00'0000'FFFFull;  // P, DPL0, code exec/read, L=1
constexpr u64 kDataKernel = 0x00CF'9200'0000'FFFFull;  // P, DPL0, data read/write

// TSS descriptor, 16 bytes (SDM Vol. 3A §8.2.3, Figure 8-4): type 9 = available 64-bit TSS.
constexpr u64 kTssTypeAvailable = 0x9;
constexpr u64 kDescriptorPresent = 1ull << 47;

constexpr usize kEntries = 7;  // null, code, data, (user data), (user code), TSS low, TSS high

constinit u64 table[kEntries] = {0, kCodeKernel, kDataKernel, 0, 0, 0, 0};
constinit Tss tss = {};
alignas(16) constinit u8 ist_stacks[kIstCount][kIstStackSize] = {};

void set_tss_descriptor(u64 base, u32 limit) {
  u64 low = (limit & 0xFFFFull) | ((base & 0xFF'FFFFull) << 16) | (kTssTypeAvailable << 40) |
            kDescriptorPresent | ((u64(limit) >> 16 & 0xF) << 48) | ((base >> 24 & 0xFF) << 56);
  table[kTss / 8] = low;
  table[kTss / 8 + 1] = base >> 32;
}

}  // namespace

StackRange ist_stack(u8 ist) {
  u64 bottom = reinterpret_cast<u64>(&ist_stacks[ist - 1][0]);
  return {bottom, bottom + kIstStackSize};
}

void init() {
  for (u8 i = 1; i <= kIstCount; ++i) tss.ist[i - 1] = ist_stack(i).top;
  tss.io_map_base = sizeof(Tss);
  set_tss_descriptor(reinterpret_cast<u64>(&tss), sizeof(Tss) - 1);
  GdtPointer ptr{sizeof(table) - 1, reinterpret_cast<u64>(&table[0])};
  hal_load_gdt(&ptr, kKernelCode, kKernelData);
  cpu::ltr(kTss);
}

}  // namespace hal::gdt
