// kernel_main: the boot sequence, in order. Each step's comment says what it needs.
#include <hal/cpu.hpp>
#include <hal/gdt.hpp>
#include <hal/qemu.hpp>
#include <libk/cmdline.hpp>

#include "boot.hpp"
#include "boot_summary.hpp"
#include "early_memory.hpp"
#include "ktest.hpp"
#include "log.hpp"
#include "memory/memory.hpp"
#include "splash.hpp"
#include "version.hpp"

namespace kernel {

namespace {

void report_cmdline_problems(const libk::CommandLine& cmdline) {
  cmdline.for_each_problem([](libk::StringView token, libk::CmdlineProblem p) {
    log::warn("cmdline: ignoring \"{}\": {}", token, libk::cmdline_problem_text(p));
  });
}

[[noreturn]] void idle() {
  log::info("ember: boot complete; halting (nothing else to run yet)");
  for (;;) hal::cpu::hlt();
}

// Heap debug checks: `heap=debug` or `heap=fast` on the command line, else on unless the
// build is a release build.
bool heap_debug(const libk::CommandLine& cmdline) {
  auto mode = cmdline.get("heap");
  if (mode && *mode == "fast") return false;
  if (mode && *mode == "debug") return true;
  return libk::StringView(kBuildKind) != "release";
}

[[noreturn]] void stop(const char* why) {
  log::error("ember: {}; cannot continue", why);
  hal::qemu::debug_exit(hal::qemu::kExitFailure);
  hal::cpu::halt_forever();
}

// The second half of the boot, on the kernel's own stack (memory::switch_to_kernel_stack).
[[noreturn]] void kernel_main_on_kernel_stack(void*) {
  memory::finish_boot();  // BootInfo copied; loader and boot-services memory reclaimed
  log_boot_summary();
  paint_splash();

  libk::CommandLine cmdline(boot_info::cmdline());
  report_cmdline_problems(cmdline);
  if (auto tests = cmdline.get("test")) ktest::run(*tests);
  idle();
}

}  // namespace

extern "C" [[noreturn]] void kernel_main(const boot::BootInfo* info) {
  hal::gdt::init();  // the firmware's GDT is not mapped any more
  log::init();       // serial first: everything after this can report problems
  log::info("Ember {} ({}) starting", kVersion, kBuildKind);
  if (const char* problem = boot_info::check(info)) {
    log::error("boot: {}; cannot continue", problem);
    hal::qemu::debug_exit(hal::qemu::kExitFailure);
    hal::cpu::halt_forever();
  }
  boot_info::set(info);
  if (!early_memory::init()) log::warn("memory: no usable RAM for early allocations");
  if (!memory::init(heap_debug(libk::CommandLine(boot_info::cmdline()))))
    stop("cannot set up memory management");
  memory::switch_to_kernel_stack(kernel_main_on_kernel_stack, nullptr);
}

}  // namespace kernel
