// Explaining page faults for the #PF crash report (docs/memory.md, "Page faults").
#include <hal/registers.hpp>

#include "memory/kernel_tables.hpp"
#include "memory/layout.hpp"
#include "memory/vm.hpp"

extern "C" char __text_start[], __text_end[], __rodata_start[], __rodata_end[], __data_start[],
    __kernel_end[];

namespace kernel::vm {

namespace {

bool within(u64 address, const char* begin, const char* end) {
  return address >= reinterpret_cast<u64>(begin) && address < reinterpret_cast<u64>(end);
}

bool within(u64 address, u64 base, u64 size) { return address >= base && address - base < size; }

}  // namespace

libk::StringView region_of(u64 address) {
  if (within(address, __text_start, __text_end)) return "kernel text";
  if (within(address, __rodata_start, __rodata_end)) return "kernel rodata";
  if (within(address, __data_start, __kernel_end)) return "kernel data/bss";
  if (address >= layout::kKernelWindowBase) return "kernel image area";
  if (within(address, layout::kDirectMapBase, layout::kDirectMapLimit - layout::kDirectMapBase))
    return "direct map";
  if (within(address, layout::kHeapAreaBase, layout::kAreaSize)) return area_name(Area::Heap);
  if (within(address, layout::kStackAreaBase, layout::kAreaSize)) return area_name(Area::Stacks);
  if (within(address, layout::kMmioAreaBase, layout::kAreaSize)) return area_name(Area::Mmio);
  // Constants, not BootInfo: this may run from a fault before boot_info is set.
  u64 boot_stack = layout::kBootStackTop - boot::kBootStackSize - libk::kPageSize;
  if (within(address, boot_stack, layout::kBootStackTop - boot_stack)) return "loader boot stack";
  if (address < (u64{1} << 47)) return address < libk::kPageSize ? "null page" : "user space";
  return "unused kernel address space";
}

// Walks the tables in CR3 (the kernel's, or later a process's sharing the kernel half).
FaultReport explain_fault(u64 address, u64 error_code) {
  detail::PmmTableMemory view;
  hal::paging::PageTables active(view, hal::Cr3::read().base());
  hal::paging::FaultClass c =
      hal::paging::classify_fault(active, address, hal::paging::PageFaultError(error_code));
  return {c.kind, region_of(address), c};
}

void describe_fault(libk::Sink& out, u64 address, u64 error_code) {
  FaultReport r = explain_fault(address, error_code);
  hal::paging::PageFaultError e(error_code);
  const char* access = e.instruction_fetch() ? "execute" : e.write() ? "write" : "read";
  libk::format_to(out, "{} in {} ({} from {} mode)", hal::paging::fault_kind_text(r.kind), r.region,
                  access, e.user() ? "user" : "kernel");
  if (r.detail.state == hal::paging::PageState::Mapped)
    libk::format_to(out, "; mapped to physical {:#x}", r.detail.page.physical);
}

}  // namespace kernel::vm
