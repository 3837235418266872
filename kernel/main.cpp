// kernel_main: the boot sequence, in order. Each step's comment says what it needs.
#include <hal/cpu.hpp>
#include <hal/gdt.hpp>
#include <hal/qemu.hpp>
#include <libk/cmdline.hpp>

#include "boot.hpp"
#include "boot_summary.hpp"
#include "console.hpp"
#include "early_memory.hpp"
#include "ktest.hpp"
#include "log.hpp"
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

[[noreturn]] void idle() {
  log::info("ember: boot complete; halting (nothing else to run yet)");
  for (;;) hal::cpu::hlt();
}

}  // namespace

extern "C" [[noreturn]] void kernel_main(const boot::BootInfo* info) {
  hal::gdt::init();  // the firmware's GDT is not mapped any more
  log::init();       // serial first: everything after this can report problems
  log::info("\x1b[1;38;2;255;158;44mEmber\x1b[0m {} ({}) starting", kVersion, kBuildKind);
  if (const char* problem = boot_info::check(info)) {
    log::error("boot: {}; cannot continue", problem);
    hal::qemu::debug_exit(hal::qemu::kExitFailure);
    hal::cpu::halt_forever();
  }
  boot_info::set(info);
  if (!early_memory::init()) log::warn("memory: no usable RAM for early allocations");
  libk::CommandLine cmdline(boot_info::cmdline());
  apply_console_options(cmdline);  // the screen console replays the log so far
  log_boot_summary();
  report_cmdline_problems(cmdline);
  if (auto tests = cmdline.get("test")) ktest::run(*tests);
  idle();
}

}  // namespace kernel
