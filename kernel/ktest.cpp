#include "ktest.hpp"

#include <hal/cpu.hpp>
#include <hal/qemu.hpp>

#include "log.hpp"
#include "sched/thread.hpp"

extern "C" const kernel::ktest::TestCase __start_ember_tests[];
extern "C" const kernel::ktest::TestCase __stop_ember_tests[];

namespace kernel::ktest {

namespace {

constinit const TestCase* current = nullptr;
constinit bool running = false;
constinit u32 passed = 0;
constinit u32 failed_count = 0;
constinit libk::Sink* output = nullptr;  // nullptr: the serial port
constinit bool include_manual_prefixes = false;

libk::Span<const TestCase> registry() {
  return {__start_ember_tests, usize(__stop_ember_tests - __start_ember_tests)};
}

bool matches(libk::StringView pattern, const TestCase& test) {
  libk::StringView name(test.name);
  if (pattern == name) return true;  // an exact name runs even manual tests
  if ((test.flags & kManual) &&
      !(include_manual_prefixes && pattern.ends_with("*") && pattern != "*"))
    return false;
  if (pattern == "all") return true;
  if (pattern.ends_with("*")) return name.starts_with(pattern.substr(0, pattern.size() - 1));
  return false;
}

template <typename F>
void for_each_pattern(libk::StringView patterns, F&& f) {
  usize pos = 0;
  while (pos <= patterns.size()) {
    usize comma = patterns.find(',', pos);
    if (comma == libk::StringView::npos) comma = patterns.size();
    libk::StringView p = patterns.substr(pos, comma - pos).trim();
    if (!p.empty()) f(p);
    pos = comma + 1;
  }
}

bool selected(libk::StringView patterns, const TestCase& test) {
  bool any = false;
  for_each_pattern(patterns, [&](libk::StringView p) { any |= matches(p, test); });
  return any;
}

void run_one(const TestCase& test) {
  libk::Sink& out = ktest::out();
  libk::format_to(out, "KTEST RUN {}\n", test.name);
  current = &test;
  Context context;
  u64 start = hal::cpu::rdtsc();
  test.fn(context);
  u64 cycles = hal::cpu::rdtsc() - start;
  current = nullptr;
  if (context.failed()) {
    ++failed_count;
  } else {
    ++passed;
    libk::format_to(out, "KTEST PASS {} ({} cycles)\n", test.name, cycles);
  }
}

// The one selection loop: runs, in registry order, every test `patterns` selects; returns
// how many that was. The tests run on CPU 0: a test that checks which thread runs when
// pins its threads to its own CPU (tests/settle.hpp), and one CPU for all of them keeps
// that the same from test to test.
u32 run_selected(libk::StringView patterns) {
  Thread& self = thread::current();
  u32 was = self.affinity();
  (void)thread::set_affinity(self, 0);
  thread::yield();  // moves now if it ran elsewhere
  u32 count = 0;
  for (const TestCase& test : registry()) {
    if (!selected(patterns, test)) continue;
    ++count;
    run_one(test);
  }
  (void)thread::set_affinity(self, was);
  return count;
}

[[noreturn]] void finish() {
  libk::format_to(log::serial(), "KTEST SUMMARY passed={} failed={}\n", passed, failed_count);
  bool ok = failed_count == 0 && passed > 0;
  hal::qemu::debug_exit(ok ? hal::qemu::kExitSuccess : hal::qemu::kExitFailure);
  hal::cpu::halt_forever();  // not under QEMU's debug-exit: stay here
}

}  // namespace

bool Context::check(bool ok, const char* what, const char* file, int line) {
  if (ok) return true;
  ++failures_;
  libk::format_to(out(), "KTEST FAIL {}: {}:{}: {}\n", current ? current->name : "?", file, line,
                  what);
  return false;
}

void run(libk::StringView patterns) {
  running = true;
  if (run_selected(patterns) == 0) {
    libk::format_to(log::serial(), "KTEST FAIL {}: no test matches; known tests:\n", patterns);
    for (const TestCase& test : registry())
      libk::format_to(log::serial(), "  {}{}\n", test.name,
                      test.flags & kManual ? " (manual)" : "");
    ++failed_count;
  }
  finish();
}

libk::Sink& out() { return output ? *output : log::serial(); }

Summary run_from_shell(libk::StringView patterns, libk::Sink& sink, bool manual_prefixes) {
  output = &sink;
  include_manual_prefixes = manual_prefixes;
  passed = failed_count = 0;
  u32 selected_count = run_selected(patterns);
  Summary summary{selected_count, passed, failed_count};
  output = nullptr;
  include_manual_prefixes = false;
  passed = failed_count = 0;
  return summary;
}

void on_panic(libk::StringView message) {
  if (!running) return;
  libk::format_to(log::serial(), "KTEST FAIL {}: panic: {}\n", current ? current->name : "?",
                  message);
  ++failed_count;
  finish();
}

bool active() { return running; }

}  // namespace kernel::ktest
