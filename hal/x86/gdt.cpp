#include <hal/gdt.hpp>

extern "C" void hal_load_gdt(const void* gdtr, u64 code_selector, u64 data_selector);

namespace hal::gdt {

namespace {

struct [[gnu::packed]] GdtPointer {
  u16 limit;
  u64 base;
};

// Segment descriptors (SDM Vol. 3A §3.4.5): in long mode base and limit are ignored; what
// matters is P, DPL, S, type, and L for code.
constexpr u64 kCodeKernel = 0x00AF'9A00'0000'FFFFull;  // P, DPL0, code exec/read, L=1
constexpr u64 kDataKernel = 0x00CF'9200'0000'FFFFull;  // P, DPL0, data read/write

constinit u64 table[3] = {0, kCodeKernel, kDataKernel};

}  // namespace

void init() {
  GdtPointer ptr{sizeof(table) - 1, reinterpret_cast<u64>(&table[0])};
  hal_load_gdt(&ptr, kKernelCode, kKernelData);
}

}  // namespace hal::gdt
