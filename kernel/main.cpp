// kernel_main: the boot sequence, in order. Each step's comment says what it needs.
#include <hal/cpu.hpp>
#include <hal/fpu.hpp>
#include <hal/gdt.hpp>
#include <hal/interrupts.hpp>
#include <hal/mmio.hpp>
#include <hal/qemu.hpp>
#include <hal/user_mode.hpp>
#include <libk/cmdline.hpp>

#include "acpi.hpp"
#include "boot.hpp"
#include "boot_summary.hpp"
#include "console.hpp"
#include "cpu/ap_start.hpp"
#include "cpu/info.hpp"
#include "cpu/ipi.hpp"
#include "cpu/percpu.hpp"
#include "crash_report.hpp"
#include "drivers/pci/pci.hpp"
#include "drivers/pci/registry.hpp"
#include "early_memory.hpp"
#include "exceptions.hpp"
#include "fs/mounts.hpp"
#include "interrupts.hpp"
#include "keyboard.hpp"
#include "ktest.hpp"
#include "log.hpp"
#include "memory/memory.hpp"
#include "memory/vm.hpp"
#include "power.hpp"
#include "proc/process.hpp"
#include "sched/scheduler.hpp"
#include "shell/shell.hpp"
#include "stack_protector.hpp"
#include "symbols.hpp"
#include "time.hpp"
#include "timers.hpp"
#include "version.hpp"

namespace kernel {

namespace {

void report_cmdline_problems(const libk::CommandLine& cmdline) {
  cmdline.for_each_problem([](libk::StringView token, libk::CmdlineProblem p) {
    log::warn("cmdline: ignoring \"{}\": {}", token, libk::cmdline_problem_text(p));
  });
}

// loglevel= (what the screen shows; serial shows everything) and font= (the console font).
void apply_console_options(const libk::CommandLine& cmdline) {
  if (auto level = cmdline.get("loglevel")) {
    log::Level parsed;
    if (log::parse_level(*level, parsed))
      log::set_screen_level(parsed);
    else
      log::warn("cmdline: unknown loglevel \"{}\" (debug, info, warning, error)", *level);
  }
  console::init_screen(cmdline.get("font").value_or({}));
}

// scrollback=LINES (default console::kDefaultScrollbackLines).
void init_scrollback(const libk::CommandLine& cmdline) {
  u64 lines = 0;
  if (auto value = cmdline.get("scrollback"); value && !libk::parse_u64(*value, lines))
    log::warn("cmdline: scrollback=\"{}\" is not a number of lines", *value);
  console::init_scrollback(u32(libk::min<u64>(lines, 1'000'000)));
}

// Heap debug checks: `heap=debug` or `heap=fast` on the command line, else on unless the
// build is a release build.
bool heap_debug(const libk::CommandLine& cmdline) {
  auto mode = cmdline.get("heap");
  if (mode && *mode == "fast") return false;
  if (mode && *mode == "debug") return true;
  return libk::StringView(kBuildKind) != "release";
}

// cpus=N: run at most N CPUs (1: only the bootstrap CPU); 0 or absent: all of them.
u32 max_cpus(const libk::CommandLine& cmdline) {
  auto value = cmdline.get("cpus");
  if (!value) return 0;
  u64 n = 0;
  if (!libk::parse_u64(*value, n) || n > kMaxCpus) {
    log::warn("cmdline: cpus={} is not a number from 0 to {}; starting every CPU", *value,
              kMaxCpus);
    return 0;
  }
  return u32(n);
}

[[noreturn]] void stop(const char* why) {
  log::error("ember: {}; cannot continue", why);
  hal::qemu::debug_exit(hal::qemu::kExitFailure);
  hal::cpu::halt_forever();
}

void enable_user_mode() {
  auto p = hal::user_mode::enable_on_this_cpu(cpu::info());
  log::info("user mode: SYSCALL entry ready; SMEP {}, SMAP {}, UMIP {}", p.smep ? "on" : "absent",
            p.smap ? "on" : "absent", p.umip ? "on" : "absent");
  const hal::fpu::Config& f = hal::fpu::config();
  log::info("user mode: FPU state saved with {}, XCR0 {:#x}, {} bytes per thread",
            f.xsave ? "XSAVE" : "FXSAVE", f.xcr0, f.area_size);
}

// The second half of the boot, on the kernel's own stack (memory::switch_to_kernel_stack).
[[noreturn]] void kernel_main_on_kernel_stack(void*) {
  memory::finish_boot();  // BootInfo copied; loader and boot-services memory reclaimed
  crash::register_stack("kernel boot stack", memory::boot_stack().base, memory::boot_stack().top(),
                        true);
  exceptions::move_boot_ist_stacks();  // guard pages below CPU 0's IST stacks too
  log_boot_summary();
  cpu::log_summary();  // what cpu::init() read from CPUID
  acpi::init();
  power::init();                 // \_S5 from the DSDT, for shutdown
  interrupts::init();            // 8259s masked, local APIC, I/O APICs
  time::init();                  // HPET or PIT; TSC and local APIC timer calibrated
  log::set_clock(time::now_ns);  // log timestamps from here on
  timers::init();
  console::pace_presents();    // a burst of scrolling output is shown once per frame time
  ipi::init();                 // reschedule and call-function IPIs
  enable_user_mode();          // SYSCALL entry, SMEP/SMAP/UMIP (each AP does the same)
  Scheduler::init();           // the boot sequence becomes thread "main"; the idle thread
  log::start_screen_writer();  // a thread draws the log on the screen from here on
  log_loader_timings();
  hal::interrupts::enable();
  libk::CommandLine cmdline(boot_info::cmdline());
  smp::start_aps(max_cpus(cmdline));  // every other CPU runs threads from here on
  keyboard::init();
  pci::init();          // every function on every bus, through ECAM or the 0xCF8 ports
  pci::bind_drivers();  // xHCI: USB keyboards, mice and hubs

  report_cmdline_problems(cmdline);
  init_scrollback(cmdline);  // the heap is up: the console can look back
  proc::init();              // the initrd; address spaces share the kernel half from here on
  fs::init();                // mounts: the initrd at /, devices at /dev, a RAM fs at /tmp
  if (auto tests = cmdline.get("test")) ktest::run(*tests);
  shell::init();  // serial input (COM1's receive interrupt)
  log::info("ember: boot complete; starting the shell");
  auto shell_thread = shell::start();
  if (!shell_thread) stop("cannot start the shell thread");
  thread::join(*shell_thread.value());  // the shell never ends: main waits here for good
  stop("the shell thread ended");
}

}  // namespace

// No stack canary of its own: the canary changes while it runs, and it never returns.
extern "C" [[noreturn, clang::no_stack_protector]] void kernel_main(const boot::BootInfo* info) {
  u64 entry_tsc = hal::cpu::rdtsc();
  stack_protector::init(info);         // a random canary, before any protected function is entered
  time::note_kernel_entry(entry_tsc);  // boot time is measured from here
  hal::gdt::init();         // the firmware's GDT is not mapped any more; TSS with IST stacks
  percpu::init_boot_cpu();  // GS points at CPU 0's data: spinlocks know their owner CPU
  log::init();              // serial first: everything after this can report problems
  cpu::init();              // CPUID, read once: every CPU-feature decision below uses it
  exceptions::init();       // IDT: from here on every CPU exception gives a crash report
  log::info("\x1b[1;38;2;255;158;44mEmber\x1b[0m {} ({}) starting", kVersion, kBuildKind);
  if (const char* problem = boot_info::check(info)) {
    log::error("boot: {}; cannot continue", problem);
    hal::qemu::debug_exit(hal::qemu::kExitFailure);
    hal::cpu::halt_forever();
  }
  boot_info::set(info);
  hal::mmio::init(info->direct_map_base, info->direct_map_size);
  exceptions::register_boot_stack();  // overflowing it is reported as a stack overflow
  symbols::init();                    // backtraces get function names
  if (!early_memory::init()) log::warn("memory: no usable RAM for early allocations");
  // The screen console takes early memory (which the page pool then leaves alone) and
  // replays the log so far.
  apply_console_options(libk::CommandLine(boot_info::cmdline()));
  if (!memory::init(heap_debug(libk::CommandLine(boot_info::cmdline()))))
    stop("cannot set up memory management");
  vm::audit_page_tables();  // the live tables: no W+X page, no user page in the kernel half
  crash::set_page_fault_describer(vm::describe_fault);  // guard page / unmapped / W^X
  memory::switch_to_kernel_stack(kernel_main_on_kernel_stack, nullptr);
}

}  // namespace kernel
