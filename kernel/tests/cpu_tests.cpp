// In-kernel tests of CPU bring-up: descriptor tables, exception handling that returns
// (breakpoint), symbols and backtraces, interrupt controllers.
#include <hal/cpu.hpp>
#include <hal/gdt.hpp>
#include <hal/idt.hpp>
#include <hal/pic.hpp>
#include <hal/user_mode.hpp>
#include <libk/demangle.hpp>
#include <libk/format.hpp>

#include "acpi.hpp"
#include "backtrace.hpp"
#include "boot.hpp"
#include "cpu/info.hpp"
#include "cpu/percpu.hpp"
#include "crash_report.hpp"
#include "exceptions.hpp"
#include "interrupts.hpp"
#include "keyboard.hpp"
#include "ktest.hpp"
#include "memory/vm.hpp"
#include "sched/thread.hpp"
#include "symbols.hpp"

namespace kernel {

namespace {

struct Name {
  char text[128];
  usize length;
  libk::StringView view() const { return {text, length}; }
};

// The demangled name of the function containing `address` ("" if none).
Name function_at(u64 address) {
  Name name{};
  libk::BufferSink sink(name.text, sizeof(name.text));
  if (auto r = symbols::resolve(address)) libk::write_symbol_name(sink, r->name);
  name.length = sink.length();
  return name;
}

[[gnu::noinline]] u64 breakpoint_here(u64 x) {
  hal::cpu::int3();
  return x * 3;
}

// A three-deep call chain whose innermost function captures a backtrace. The asm
// statements keep the calls from becoming tail calls (which would drop frames).
[[gnu::noinline]] usize backtrace_level3(u64* out, usize capacity) {
  usize n = backtrace::capture(reinterpret_cast<u64>(__builtin_frame_address(0)),
                               libk::Span<u64>(out, capacity));
  asm volatile("");
  return n;
}
[[gnu::noinline]] usize backtrace_level2(u64* out, usize capacity) {
  usize n = backtrace_level3(out, capacity);
  asm volatile("");
  return n;
}
[[gnu::noinline]] usize backtrace_level1(u64* out, usize capacity) {
  usize n = backtrace_level2(out, capacity);
  asm volatile("");
  return n;
}

}  // namespace

KTEST("cpu.gdt.task_register_holds_tss") { KEXPECT_EQ(hal::cpu::str(), hal::gdt::kTss); }

// The IST stacks in use on this CPU (CPU 0's were moved off .bss at boot, an AP's were
// allocated before it started): distinct, aligned, the size hal expects, a guard page below
// each, and the TSS pointing at their tops.
KTEST("cpu.gdt.ist_stacks_distinct_aligned_and_guarded") {
  const Cpu& self = this_cpu();
  for (u8 i = 0; i < hal::gdt::kIstCount; ++i) {
    u64 bottom = self.ist_bottom[i], top = self.ist_top[i];
    KEXPECT_EQ(top - bottom, hal::gdt::kIstStackSize);
    KEXPECT_EQ(top % 16, 0u);
    KEXPECT_EQ(self.tables->tss.ist[i], top);
    KEXPECT(vm::lookup(bottom - libk::kPageSize) == hal::paging::PageState::Guard);
    for (u8 j = u8(i + 1); j < hal::gdt::kIstCount; ++j)
      KEXPECT(!libk::ranges_overlap(bottom, top, self.ist_bottom[j], self.ist_top[j]));
  }
}

KTEST("cpu.idt.every_vector_has_a_gate") {
  for (usize v = 0; v < hal::idt::kVectorCount; ++v) {
    hal::idt::Gate g = hal::idt::gate(u8(v));
    if (!KEXPECT(g.present)) return;
    KEXPECT_EQ(g.selector, hal::gdt::kKernelCode);
    KEXPECT_EQ(g.type, 0xE);
    KEXPECT_EQ(g.offset, hal::idt::stub_address(u8(v)));
  }
}

KTEST("cpu.idt.ist_for_double_fault_nmi_machine_check") {
  KEXPECT_EQ(hal::idt::gate(8).ist, hal::gdt::kIstDoubleFault);
  KEXPECT_EQ(hal::idt::gate(2).ist, hal::gdt::kIstNmi);
  KEXPECT_EQ(hal::idt::gate(18).ist, hal::gdt::kIstMachineCheck);
  KEXPECT_EQ(hal::idt::gate(14).ist, 0);
  KEXPECT_EQ(hal::idt::gate(0x31).ist, 0);
}

KTEST("trap.breakpoint.reports_and_returns") {
  u64 before = exceptions::breakpoints_seen();
  u64 result = breakpoint_here(14);
  KEXPECT_EQ(result, 42u);  // execution continued after the INT3
  KEXPECT_EQ(exceptions::breakpoints_seen(), before + 1);
}

// An exception (an NMI, a machine check) can arrive between a SWAPGS and the SYSRET/IRETQ
// after it, with the user's GS base loaded. The entry must notice (IA32_GS_BASE is not a
// kernel address) and swap, or the handler's first per-CPU access reads user memory (here:
// address 0 plus an offset, a kernel #PF). An INT3 takes the same path as NMI (vector < 32
// from ring 0); afterwards GS is the kernel's again and this CPU's data is intact.
KTEST("trap.breakpoint.with_the_user_gs_base_swaps_first") {
  u64 before = exceptions::breakpoints_seen();
  u32 cpu = this_cpu_index();
  hal_breakpoint_with_user_gs();
  KEXPECT_EQ(exceptions::breakpoints_seen(), before + 1);
  KEXPECT_EQ(this_cpu_index(), cpu);
  KEXPECT_EQ(thread::current().cpu(), cpu);
}

KTEST("trap.symbols.name_kernel_functions") {
  if (!KEXPECT(symbols::available())) return;
  auto name = function_at(reinterpret_cast<u64>(&symbols::init));
  KEXPECT_EQ(name.view(), libk::StringView("kernel::symbols::init"));
  auto inside = function_at(reinterpret_cast<u64>(&exceptions::init) + 4);
  KEXPECT_EQ(inside.view(), libk::StringView("kernel::exceptions::init"));
  auto r = symbols::resolve(reinterpret_cast<u64>(&exceptions::init) + 4);
  if (KEXPECT(r.has_value())) {
    KEXPECT_EQ(r->offset, 4u);
    KEXPECT_EQ(r->address, reinterpret_cast<u64>(&exceptions::init));  // where it runs
  }
}

KTEST("trap.backtrace.names_the_callers") {
  u64 frames[8] = {};
  usize n = backtrace_level1(frames, 8);
  if (!KEXPECT(n >= 3)) return;
  // frames[0] returns into level2, frames[1] into level1, frames[2] into this test.
  KEXPECT_EQ(function_at(frames[0] - 1).view(),
             libk::StringView("kernel::(anonymous namespace)::backtrace_level2"));
  KEXPECT_EQ(function_at(frames[1] - 1).view(),
             libk::StringView("kernel::(anonymous namespace)::backtrace_level1"));
}

KTEST("trap.page_fault.describes_addresses") {
  libk::FixedString<160> unmapped;
  crash::describe_page_fault_default(unmapped.sink(), 0xdeadbeefull, 0);
  KEXPECT_EQ(unmapped.view(), libk::StringView("not mapped"));
  libk::FixedString<160> guard;
  const boot::BootInfo& info = boot_info::get();
  u64 below_stack = info.boot_stack_top - info.boot_stack_size - 8;
  crash::describe_page_fault_default(guard.sink(), below_stack, 2);
  KEXPECT_EQ(guard.view(), libk::StringView("guard page below the boot stack (stack overflow)"));
  libk::FixedString<160> text;
  crash::describe_page_fault_default(text.sink(), reinterpret_cast<u64>(&symbols::init), 3);
  KEXPECT(text.view().find("read-only") != libk::StringView::npos);
  KEXPECT(text.view().find("write to a read-only page") != libk::StringView::npos);
}

KTEST("interrupts.pic.masked") { KEXPECT_EQ(hal::pic::masks(), 0xFFFFu); }

KTEST("interrupts.lapic.enabled_in_the_right_mode") {
  hal::LocalApic& lapic = interrupts::local_apic();
  KEXPECT(lapic.software_enabled());
  KEXPECT_EQ(lapic.spurious_vector(), interrupts::kSpuriousVector);
  KEXPECT_EQ(interrupts::x2apic_mode(), cpu::info().x2apic);
}

KTEST("interrupts.ioapic.keyboard_routed_per_madt") {
  auto route = interrupts::isa_route(1);
  if (!KEXPECT(route.has_value())) return;
  KEXPECT_EQ(route->entry.vector(), interrupts::kIsaVectorBase + 1);
  KEXPECT(!route->entry.masked());
  KEXPECT_EQ(route->entry.destination(), u8(cpu_at(0).apic_id));  // the boot CPU
  auto expected = libk::acpi::route_isa_irq(*acpi::madt(), 1);
  KEXPECT_EQ(route->gsi, expected.gsi);
  KEXPECT_EQ(route->entry.active_low(), expected.active_low);
  KEXPECT_EQ(route->entry.level_triggered(), expected.level_triggered);
}

KTEST("acpi.madt.lists_this_cpu_and_an_io_apic") {
  const libk::acpi::Madt* madt = acpi::madt();
  if (!KEXPECT(madt != nullptr)) return;
  KEXPECT(madt->io_apics.size() >= 1);
  bool found = false;
  for (const auto& cpu : madt->local_apics)
    found |= cpu.apic_id == interrupts::local_apic().id() && cpu.enabled;
  KEXPECT(found);
}

KTEST("acpi.fadt.parsed") {
  const libk::acpi::Fadt* fadt = acpi::fadt();
  if (!KEXPECT(fadt != nullptr)) return;
  KEXPECT(fadt->dsdt != 0);
  KEXPECT(fadt->sci_interrupt != 0);
}

KTEST("keyboard.i8042.present") { KEXPECT(keyboard::present()); }

}  // namespace kernel
