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

// Flat ring-0 segments (hal/descriptors.hpp).
constexpr u64 kCodeKernel =
    SegmentDescriptor::flat(SegmentDescriptor::kTypeCodeExecuteRead).set_long_mode(true).raw();
constexpr u64 kDataKernel =
    SegmentDescriptor::flat(SegmentDescriptor::kTypeDataReadWrite).set_default_32bit(true).raw();
static_assert(kCodeKernel == 0x00AF'9A00'0000'FFFF);
static_assert(kDataKernel == 0x00CF'9200'0000'FFFF);
// The same with DPL 3, for ring 3.
constexpr u64 kCodeUser = SegmentDescriptor(kCodeKernel).set_dpl(3).raw();
constexpr u64 kDataUser = SegmentDescriptor(kDataKernel).set_dpl(3).raw();
static_assert(kCodeUser == 0x00AF'FA00'0000'FFFF);
static_assert(kDataUser == 0x00CF'F200'0000'FFFF);

static_assert(sizeof(CpuTables::gdt) / 8 == 7);

constinit CpuTables boot_cpu_tables = {};
alignas(16) constinit u8 ist_stacks[kIstCount][kIstStackSize] = {};

// The 16-byte TSS descriptor (SDM Vol. 3A §8.2.3, Figure 8-4): a system segment of type
// "available 64-bit TSS", base bits 63:32 in the second 8 bytes.
void set_tss_descriptor(CpuTables& t) {
  u64 base = reinterpret_cast<u64>(&t.tss);
  t.gdt[kTss / 8] = SegmentDescriptor(0)
                        .set_base(base)
                        .set_limit(sizeof(Tss) - 1)
                        .set_type(SegmentDescriptor::kTypeTssAvailable)
                        .set_present(true)
                        .raw();
  t.gdt[kTss / 8 + 1] = base >> 32;
}

}  // namespace

StackRange ist_stack(u8 ist) {
  u64 bottom = reinterpret_cast<u64>(&ist_stacks[ist - 1][0]);
  return {bottom, bottom + kIstStackSize};
}

void load(CpuTables& t, const u64 (&ist_tops)[kIstCount]) {
  t = {};
  t.gdt[kKernelCode / 8] = kCodeKernel;
  t.gdt[kKernelData / 8] = kDataKernel;
  t.gdt[kUserData / 8] = kDataUser;
  t.gdt[kUserCode / 8] = kCodeUser;
  for (u8 i = 1; i <= kIstCount; ++i) t.tss.ist[i - 1] = ist_tops[i - 1];
  t.tss.io_map_base = sizeof(Tss);
  set_tss_descriptor(t);
  GdtPointer ptr{sizeof(t.gdt) - 1, reinterpret_cast<u64>(&t.gdt[0])};
  hal_load_gdt(&ptr, kKernelCode, kKernelData);
  cpu::ltr(kTss);
}

// A plain store: only this CPU reads its TSS, when an interrupt arrives, and interrupts are
// off here (the TSS's layout leaves the field 4-byte aligned, so no atomic store anyway).
void set_ist(CpuTables& t, u8 ist, u64 top) { t.tss.ist[ist - 1] = top; }
void set_rsp0(CpuTables& t, u64 top) { t.tss.rsp[0] = top; }

void init() {
  u64 tops[kIstCount];
  for (u8 i = 1; i <= kIstCount; ++i) tops[i - 1] = ist_stack(i).top;
  load(boot_cpu_tables, tops);
}

CpuTables& boot_tables() { return boot_cpu_tables; }

}  // namespace hal::gdt
