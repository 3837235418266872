// The command table: name, usage, one-line summary, details for `help NAME`, argument
// counts, handler.
#include "shell/commands.hpp"

namespace kernel::shell {

namespace {

using libk::shell::Command;

constexpr Command kCommands[] = {
    {"help", "[COMMAND]", "list the commands, or describe one",
     "Every command also answers to COMMAND --help.", 0, 1, cmd_help},
    {"clear", "", "clear the screen", "Ctrl-L does the same while typing.", 0, 0, cmd_clear},
    {"echo", "[TEXT...]", "print the arguments, separated by spaces",
     "Quotes group words: echo \"a  b\" prints a  b.", 0, 15, cmd_echo},
    {"mem", "", "physical frames and the kernel heap, per slab cache",
     "Frames: the buddy allocator's pool, what owns the pages in use, free blocks per order.\n"
     "Heap: each slab cache's object size, objects in use (and peak), slabs, and the large\n"
     "allocations taken straight from the frame allocator.",
     0, 0, cmd_mem},
    {"ps", "",
     "processes (pid, parent, state, threads, pages) and the kernel's threads: CPU, state, "
     "priority, CPU time",
     "CPU time is measured with the monotonic clock at every context switch\n"
     "(docs/scheduling.md); SWITCHES counts how often the thread was switched to.\n"
     "CPU is where the thread runs or last ran; 2* means pinned to CPU 2.",
     0, 0, cmd_ps},
    {"cpus", "", "every CPU: APIC ID, state, current thread, busy/idle time, counts",
     "BUSY is time online minus the idle thread's CPU time (docs/smp.md);\n"
     "INTERRUPTS counts every interrupt the CPU took, IPIS the IPIs among them.",
     0, 0, cmd_cpus},
    {"uptime", "", "time since boot", "Read from the calibrated TSC (docs/interrupts.md).", 0, 0,
     cmd_uptime},
    {"dmesg", "[COUNT]", "the kernel log (the last COUNT records)",
     "The log ring keeps the most recent records; older ones are overwritten.", 0, 1, cmd_dmesg},
    {"cpuinfo", "", "the processor: vendor, model, brand string and CPUID features", "", 0, 0,
     cmd_cpuinfo},
    {"acpi", "", "the ACPI tables found, and the power registers Ember uses",
     "Tables come from the RSDP the loader passed; the DSDT from the FADT.", 0, 0, cmd_acpi},
    {"lspci", "[-v]", "the PCI functions: IDs, class, names, BARs, interrupts",
     "Names come from Debian's pci.ids (docs/pci.md). -v adds each function's capabilities.", 0, 1,
     cmd_lspci},
    {"lsusb", "[-v]", "the USB devices, as a tree per controller",
     "Path (bus-port.hub port), IDs, name, speed and driver; names from the device or from\n"
     "Debian's usb.ids (docs/usb.md). -v adds interfaces and endpoints.",
     0, 1, cmd_lsusb},
    {"bench", "[PATTERN]", "run the in-kernel benchmarks (bench.*)",
     "PATTERN picks some: bench heap.* runs bench.heap.*.", 0, 1, cmd_bench},
    {"test", "[PATTERN...]", "run the in-kernel tests (default: all)",
     "A pattern is a test name, a prefix ending in '*', or all; test list shows the names.\n"
     "Crash and benchmark tests run only when named exactly.",
     0, 8, cmd_test},
    {"reboot", "[acpi|kbd|triple]", "restart the machine",
     "Tries the FADT reset register, then the 8042 reset line, then a triple fault;\n"
     "a method name starts with that one.",
     0, 1, cmd_reboot},
    {"shutdown", "", "power off (ACPI S5)",
     "Writes \\_S5's sleep type to the PM1 control registers.", 0, 0, cmd_shutdown},
};

}  // namespace

libk::Span<const Command> commands() { return kCommands; }

bool parse_count(const Invocation& call, libk::StringView text, u64& out) {
  u64 value = 0;
  if (text.empty() || text.size() > 9) {
    libk::format_to(call.out, "{}: '{}' is not a count\n", call.command.name, text);
    return false;
  }
  for (char c : text) {
    if (c < '0' || c > '9') {
      libk::format_to(call.out, "{}: '{}' is not a count\n", call.command.name, text);
      return false;
    }
    value = value * 10 + u64(c - '0');
  }
  out = value;
  return true;
}

}  // namespace kernel::shell
