#include "exceptions.hpp"

#include <hal/exceptions.hpp>
#include <hal/gdt.hpp>
#include <hal/idt.hpp>
#include <hal/interrupts.hpp>
#include <hal/machine_check.hpp>
#include <hal/pit.hpp>
#include <hal/user_mode.hpp>

#include "boot.hpp"
#include "cpu/info.hpp"
#include "cpu/percpu.hpp"
#include "crash_report.hpp"
#include "log.hpp"
#include "memory/stacks.hpp"
#include "panic.hpp"
#include "proc/memory_areas.hpp"
#include "proc/process.hpp"

namespace kernel::exceptions {

namespace {

namespace vec = hal::exceptions;

constinit u64 breakpoints = 0;
constinit u64 nmis = 0;
constinit bool reporting = false;  // a crash report is being written

// A second exception while writing a report: say so on the raw serial sink (the log itself
// may be what faulted) and stop, through panic so that test mode still ends QEMU.
void nested(const hal::TrapFrame& f) {
  libk::format_to(log::serial(),
                  "\nnested CPU exception {} (vector {}) at {:#x} while reporting a crash\n",
                  vec::info(u8(f.vector)).mnemonic, f.vector, f.rip);
  PANIC("nested CPU exception {} while reporting a crash", vec::info(u8(f.vector)).mnemonic);
}

[[noreturn]] void fatal_kernel(hal::TrapFrame& f, const hal::ControlRegisters& cr);

// A fault of a user process, not of the kernel: in ring 3, or at the IRETQ back to it (a bad
// return frame).
bool user_fault(const hal::TrapFrame& f) {
  return hal::user_mode::from_user(f) || f.rip == reinterpret_cast<u64>(&hal_user_iret);
}

void fatal(hal::TrapFrame& f) {
  hal::ControlRegisters cr = crash::read_control_registers();
  // A first touch of a process's heap, stack or mmap page: map it and retry the access.
  if (!reporting && proc::demand_fault(f, cr.cr2)) return;
  if (user_fault(f) && !reporting) proc::fault_current(f, cr.cr2);
  // A user-memory copy that hit a bad page or address resumes at its fixup, which returns
  // an error (hal/x86/user_copy.S).
  if (f.vector == vec::kPageFault || f.vector == vec::kGeneralProtection) {
    if (auto fixup = hal::user_mode::fixup_for(f.rip)) {
      f.rip = *fixup;
      return;
    }
  }
  fatal_kernel(f, cr);
}

[[noreturn]] void fatal_kernel(hal::TrapFrame& f, const hal::ControlRegisters& cr) {
  stop_the_world();  // the report is the only output from here on
  if (reporting) nested(f);
  reporting = true;
  crash::report(f, cr, log::Level::Error);
  auto info = vec::info(u8(f.vector));
  if (const crash::KnownStack* s = crash::overflowed_stack(f, cr))
    PANIC("kernel stack overflow on the {} ({} {})", s->name, info.mnemonic, info.name);
  PANIC("CPU exception {} ({}) at {:#x}", info.mnemonic, info.name, f.rip);
}

void breakpoint(hal::TrapFrame& f) {
  if (hal::user_mode::from_user(f)) proc::fault_current(f, 0);  // int3 in a program ends it
  ++breakpoints;
  // #BP is a trap: the saved RIP is after the INT3, so returning continues the program.
  crash::report(f, crash::read_control_registers(), log::Level::Warn);
}

void nmi(hal::TrapFrame& f) {
  halt_if_world_stopped();  // a panic on another CPU stopping this one
  ++nmis;
  log::warn("nmi: non-maskable interrupt at {:#x} (system control port B {:#x}); continuing", f.rip,
            hal::pit::system_control_b());
}

void report_bank(const hal::machine_check::Bank& bank, void*) {
  log::error("machine check bank {}: status {:#018x} address {:#x}", bank.index, bank.status,
             bank.address);
}

[[noreturn]] void machine_check(hal::TrapFrame& f) {
  log::error("machine check: IA32_MCG_STATUS {:#x}", hal::machine_check::global_status());
  hal::machine_check::for_each_error(report_bank, nullptr);
  fatal_kernel(f, crash::read_control_registers());
}

void unexpected(hal::TrapFrame& f) {
  if (f.vector < vec::kExceptionCount) fatal(f);
  log::warn("interrupts: unexpected interrupt on vector {} at {:#x}; ignored", f.vector, f.rip);
}

}  // namespace

void init() {
  hal::idt::init();
  hal::idt::set_fallback(unexpected);
  for (u8 v = 0; v < vec::kExceptionCount; ++v) hal::idt::set_handler(v, fatal);
  hal::idt::set_handler(vec::kBreakpoint, breakpoint);
  hal::idt::set_handler(vec::kNmi, nmi);
  hal::idt::set_handler(vec::kMachineCheck, machine_check);
  for (u8 ist = 1; ist <= hal::gdt::kIstCount; ++ist) {
    constexpr const char* kNames[] = {"double-fault stack", "NMI stack", "machine-check stack"};
    auto range = hal::gdt::ist_stack(ist);
    crash::register_stack(kNames[ist - 1], range.bottom, range.top, false);
  }
  if (!hal::machine_check::enable(cpu::info()))
    log::warn("exceptions: no machine-check exception support (CPUID.1:EDX.MCE)");
}

void register_boot_stack() {
  const boot::BootInfo& info = boot_info::get();
  crash::register_stack("boot stack", info.boot_stack_top - info.boot_stack_size,
                        info.boot_stack_top, true);
}

void move_boot_ist_stacks() {
  Cpu& self = this_cpu();
  constexpr const char* kNames[] = {"double-fault stack (CPU 0)", "NMI stack (CPU 0)",
                                    "machine-check stack (CPU 0)"};
  for (u8 ist = 1; ist <= hal::gdt::kIstCount; ++ist) {
    auto stack = stacks::allocate(hal::gdt::kIstStackSize);
    if (!stack) return log::warn("exceptions: no memory for guarded IST stacks; kept in .bss");
    self.ist_bottom[ist - 1] = stack->base;
    self.ist_top[ist - 1] = stack->top();
    crash::register_stack(kNames[ist - 1], stack->base, stack->top(), true);
    hal::interrupts::Guard no_interrupts;  // the slot changes between two interrupts
    hal::gdt::set_ist(*self.tables, ist, stack->top());
  }
}

u64 breakpoints_seen() { return breakpoints; }
u64 nmis_seen() { return nmis; }

}  // namespace kernel::exceptions
