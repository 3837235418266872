// The in-kernel test harness. Tests register themselves at link time (a section the linker
// collects into an array — no constructors) and run when the command line says
// `test=<pattern>[,<pattern>...]`; a pattern is a name, a prefix ending in '*', or `all`.
//
// Output, one line per event, parsed by tests/qemu/harness.py:
//   KTEST RUN <name>
//   KTEST PASS <name> (<cycles> cycles)
//   KTEST FAIL <name>: <file>:<line>: <what>
//   KTEST SUMMARY passed=<n> failed=<n>
// Then QEMU exits through isa-debug-exit: 33 if every test passed, 35 otherwise.
//
//   KTEST("boot.memory_map.sorted") { KEXPECT(is_sorted(map)); }
//
// Tests flagged kManual (crash tests, deliberate failures) only run when named exactly:
// `all` and prefixes skip them.
#pragma once

#include <libk/format.hpp>
#include <libk/span.hpp>
#include <libk/string_view.hpp>

namespace kernel::ktest {

class Context {
 public:
  // Records a failure if `ok` is false; returns `ok` so tests can stop early.
  bool check(bool ok, const char* what, const char* file, int line);

  template <typename A, typename B>
  bool check_eq(const A& a, const B& b, const char* a_text, const char* b_text, const char* file,
                int line) {
    if (a == b) return true;
    char buffer[200];
    libk::format_into(buffer, sizeof(buffer), "{} == {} ({} vs {})", a_text, b_text, a, b);
    return check(false, buffer, file, line);
  }

  bool failed() const { return failures_ > 0; }
  u32 failures() const { return failures_; }

 private:
  u32 failures_ = 0;
};

using TestFn = void (*)(Context&);

enum Flags : u32 { kNone = 0, kManual = 1 };

struct TestCase {
  const char* name;
  TestFn fn;
  u32 flags;
};

// Runs the tests selected by `patterns` (the value of test=), prints results and ends QEMU.
[[noreturn]] void run(libk::StringView patterns);

// From the shell: runs the selected tests, writing the same lines to `out`, and returns
// instead of ending QEMU. With `manual_prefixes`, a prefix pattern also selects manual
// tests (the `bench` command runs the "bench.*" ones).
struct Summary {
  u32 selected, passed, failed;
};
Summary run_from_shell(libk::StringView patterns, libk::Sink& out, bool manual_prefixes = false);

// The output of the running test (the serial port in test mode, the shell's console from
// run_from_shell): for tests and benchmarks that print results.
libk::Sink& out();

// Called by panic(): in test mode, reports the running test as failed and ends QEMU.
void on_panic(libk::StringView message);

// True while a test mode run is in progress.
bool active();

}  // namespace kernel::ktest

#define KTEST_CONCAT2(a, b) a##b
#define KTEST_CONCAT(a, b) KTEST_CONCAT2(a, b)

#define KTEST_DEFINE(test_name, test_flags, id)                                                \
  static void id(::kernel::ktest::Context& t);                                                 \
  [[gnu::used, gnu::section(".ember_tests")]] static constinit const ::kernel::ktest::TestCase \
      KTEST_CONCAT(id, _case){test_name, id, test_flags};                                      \
  static void id([[maybe_unused]] ::kernel::ktest::Context& t)

#define KTEST(name) KTEST_DEFINE(name, ::kernel::ktest::kNone, KTEST_CONCAT(ktest_, __COUNTER__))
#define KTEST_MANUAL(name) \
  KTEST_DEFINE(name, ::kernel::ktest::kManual, KTEST_CONCAT(ktest_, __COUNTER__))

#define KEXPECT(cond) t.check(static_cast<bool>(cond), #cond, __FILE__, __LINE__)
#define KEXPECT_EQ(a, b) t.check_eq((a), (b), #a, #b, __FILE__, __LINE__)
