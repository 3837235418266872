// kernel_main: the boot sequence, in order. Each step's comment says what it needs.
#include <hal/cpu.hpp>
#include <hal/gdt.hpp>
#include <hal/interrupts.hpp>
#include <hal/mmio.hpp>
#include <hal/qemu.hpp>
#include <libk/cmdline.hpp>

#include "acpi.hpp"
#include "boot.hpp"
#include "boot_summary.hpp"
#include "console.hpp"
#include "cpu.hpp"
#include "early_memory.hpp"
#include "exceptions.hpp"
#include "interrupts.hpp"
#include "keyboard.hpp"
#include "ktest.hpp"
#include "log.hpp"
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
    if (log::parse_level(*level, parsed)) log::set_screen_level(parsed);
    else log::warn("cmdline: unknown loglevel \"{}\" (debug, info, warning, error)", *level);
  }
  console::init_screen(cmdline.get("font").value_or({}));
}

// Nothing else to run yet: echo the keyboard, sleeping between interrupts.
[[noreturn]] void idle() {
  console::write("\x1b[?25h");  // show the cursor: typing is echoed from here on
  log::info("ember: boot complete; echoing the keyboard (nothing else to run yet)");
  for (;;) {
    hal::interrupts::disable();
    auto event = keyboard::read_event();
    if (!event) {
      hal::interrupts::wait();
      continue;
    }
    hal::interrupts::enable();
    keyboard::echo(*event);
  }
}

}  // namespace

extern "C" [[noreturn]] void kernel_main(const boot::BootInfo* info) {
  hal::gdt::init();     // the firmware's GDT is not mapped any more; TSS with IST stacks
  log::init();          // serial first: everything after this can report problems
  exceptions::init();   // IDT: from here on every CPU exception gives a crash report
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
  libk::CommandLine cmdline(boot_info::cmdline());
  apply_console_options(cmdline);  // the screen console; it replays the log so far
  log_boot_summary();
  cpu::init();
  acpi::init();
  interrupts::init();   // 8259s masked, local APIC, I/O APICs
  time::init();         // HPET or PIT; TSC and local APIC timer calibrated
  log::set_clock(time::now_ns);  // log timestamps from here on
  timers::init();
  log_loader_timings();
  hal::interrupts::enable();
  keyboard::init();

  report_cmdline_problems(cmdline);
  if (auto tests = cmdline.get("test")) ktest::run(*tests);
  idle();
}

}  // namespace kernel
