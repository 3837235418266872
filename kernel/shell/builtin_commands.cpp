// Commands about the shell itself, time, tests and power.
#include <libk/acpi_aml.hpp>

#include "ktest.hpp"
#include "power.hpp"
#include "sched/thread.hpp"
#include "shell/commands.hpp"
#include "time.hpp"

namespace kernel::shell {

Status cmd_help(const Invocation&) { return Status::Ok; }  // the dispatcher answers `help`

Status cmd_clear(const Invocation& call) {
  call.out.write("\x1b[H\x1b[2J");
  return Status::Ok;
}

Status cmd_echo(const Invocation& call) {
  for (usize i = 0; i < call.args.size(); ++i) {
    if (i > 0) call.out.put(' ');
    call.out.write(call.args[i]);
  }
  call.out.put('\n');
  return Status::Ok;
}

Status cmd_uptime(const Invocation& call) {
  u64 ns = time::now_ns();
  u64 seconds = ns / time::kNsPerSecond;
  u64 ms = ns % time::kNsPerSecond / time::kNsPerMs;
  u64 days = seconds / 86400;
  libk::format_to(call.out, "up ");
  if (days > 0) libk::format_to(call.out, "{} day{}, ", days, days == 1 ? "" : "s");
  libk::format_to(call.out, "{}:{:02}:{:02}.{:03} ({} ns since boot)\n", seconds / 3600 % 24,
                  seconds / 60 % 60, seconds % 60, ms, ns);
  return Status::Ok;
}

namespace {

struct TestRun {
  libk::StringView patterns;
  libk::Sink* out;
  bool manual_prefixes;
  ktest::Summary summary;
};

void run_tests(void* arg) {
  auto* run = static_cast<TestRun*>(arg);
  run->summary = ktest::run_from_shell(run->patterns, *run->out, run->manual_prefixes);
}

// The tests run in their own thread, "ktest", at the default priority: they expect to run
// the way the boot thread runs them in test mode, not at the shell's higher priority.
ktest::Summary run_in_thread(libk::StringView patterns, libk::Sink& out, bool manual_prefixes) {
  TestRun run{patterns, &out, manual_prefixes, {}};
  auto th = thread::create("ktest", run_tests, &run);
  if (!th) {
    libk::format_to(out, "cannot start the test thread: {}\n", thread_error_text(th.error()));
    return {};
  }
  thread::join(*th.value());
  return run.summary;
}

Status report(const Invocation& call, const ktest::Summary& s, libk::StringView what) {
  if (s.selected == 0) {
    libk::format_to(call.out, "{}: no {} match\n", call.command.name, what);
    return Status::Failed;
  }
  libk::format_to(call.out, "{}: {} passed, {} failed\n", call.command.name, s.passed, s.failed);
  return s.failed == 0 ? Status::Ok : Status::Failed;
}

}  // namespace

Status cmd_test(const Invocation& call) {
  // Patterns are joined with commas, as on the command line (test=a,b).
  char patterns[256];
  libk::BufferSink joined(patterns, sizeof(patterns));
  for (usize i = 0; i < call.args.size(); ++i)
    libk::format_to(joined, "{}{}", i ? "," : "", call.args[i]);
  if (call.args.empty()) joined.write("all");
  return report(call, run_in_thread(joined.view(), call.out, false), "tests");
}

Status cmd_bench(const Invocation& call) {
  char pattern[128];
  libk::BufferSink sink(pattern, sizeof(pattern));
  libk::format_to(sink, "bench.{}", call.args.empty() ? libk::StringView("*") : call.args[0]);
  return report(call, run_in_thread(sink.view(), call.out, true), "benchmarks");
}

Status cmd_reboot(const Invocation& call) {
  power::ResetMethod first = power::ResetMethod::AcpiRegister;
  if (!call.args.empty() && !power::parse_reset_method(call.args[0], first)) {
    libk::format_to(call.out, "reboot: unknown method '{}'\n", call.args[0]);
    return Status::BadArguments;
  }
  libk::format_to(call.out, "Rebooting...\n");
  power::reboot(first);
}

Status cmd_shutdown(const Invocation& call) {
  libk::format_to(call.out, "Powering off...\n");
  libk::StringView why = power::shutdown();
  libk::format_to(call.out, "shutdown: {}\n", why);
  return Status::Failed;
}

}  // namespace kernel::shell
