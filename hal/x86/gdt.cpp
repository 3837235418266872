#include <hal/cpu.hpp>
#include <hal/descriptors.hpp>
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

// Flat ring-0 segments (hal/descriptors.hpp).
constexpr u64 kCodeKernel =
    SegmentDescriptor::flat(SegmentDescriptor::kTypeCodeExecuteRead).set_long_mode(true).raw();
constexpr u64 kDataKernel =
    SegmentDescriptor::flat(SegmentDescriptor::kTypeDataReadWrite).set_default_32bit(true).raw();
static_assert(kCodeKernel == 0x00AF'9A00'0000'FFFF);
static_assert(kDataKernel == 0x00CF'9200'0000'FFFF);

constexpr usize kEntries = 7;  // null, code, data, (user data), (user code), TSS low, TSS high

constinit u64 table[kEntries] = {0, kCodeKernel, kDataKernel, 0, 0, 0, 0};
constinit Tss tss = {};
alignas(16) constinit u8 ist_stacks[kIstCount][kIstStackSize] = {};

// The 16-byte TSS descriptor (SDM Vol. 3A §8.2.3, Figure 8-4): a system segment of type
// "available 64-bit TSS", base bits 63:32 in the second 8 bytes.
void set_tss_descriptor(u64 base, u32 limit) {
  table[kTss / 8] = SegmentDescriptor(0)
                        .set_base(base)
                        .set_limit(limit)
                        .set_type(SegmentDescriptor::kTypeTssAvailable)
                        .set_present(true)
                        .raw();
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
