// The shell's commands: the table (commands.cpp) and the handlers, grouped by theme.
#pragma once

#include <libk/shell.hpp>

namespace kernel::shell {

using libk::shell::Invocation;
using libk::shell::Status;

// The command table, in the order `help` lists it.
libk::Span<const libk::shell::Command> commands();

// programs.cpp: the dispatcher's fallback, /bin/NAME from the initrd in the foreground.
Status run_program(libk::Span<const libk::StringView> words, libk::Sink& out, void* context);

// builtin_commands.cpp
Status cmd_help(const Invocation& call);
Status cmd_clear(const Invocation& call);
Status cmd_echo(const Invocation& call);
Status cmd_uptime(const Invocation& call);
Status cmd_test(const Invocation& call);
Status cmd_bench(const Invocation& call);
Status cmd_reboot(const Invocation& call);
Status cmd_shutdown(const Invocation& call);

// info_commands.cpp
Status cmd_mem(const Invocation& call);
Status cmd_dmesg(const Invocation& call);
Status cmd_cpuinfo(const Invocation& call);
Status cmd_acpi(const Invocation& call);

// device_commands.cpp
Status cmd_lspci(const Invocation& call);
Status cmd_lsusb(const Invocation& call);

// thread_commands.cpp
Status cmd_ps(const Invocation& call);
Status cmd_cpus(const Invocation& call);

// Parses a decimal count for an argument; prints what is wrong and returns false.
bool parse_count(const Invocation& call, libk::StringView text, u64& out);

}  // namespace kernel::shell
