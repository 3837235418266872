// The user shell's cost to run a program (docs/shell.md, "What a command costs"): bench
// KTEST_MANUAL, in user-bench. shbench (user/programs/shbench.cpp) times, from ring 3, runs of
// /bin/true through the shell's executor (parse, stat, fork, exec, wait) and spawn + wait of
// /bin/true directly, in the same boot; the ratio is the shell's overhead per command.
#include "ktest.hpp"
#include "proc/process.hpp"
#include "sched/thread.hpp"

namespace kernel {

namespace {

libk::Result<i64, abi::Error> shbench(libk::StringView mode, libk::StringView rounds) {
  libk::StringView argv[] = {"shbench", mode, rounds};
  auto pid = proc::spawn("/bin/shbench", {argv, 3}, proc::kKernelParent);
  if (!pid) return libk::unexpected(pid.error());
  return proc::wait(pid.value(), proc::kKernelParent);
}

}  // namespace

KTEST_MANUAL("bench.sh.true_vs_spawn") {
  thread::set_affinity(thread::current(), thread::current().cpu());
  auto sh = shbench("sh", "200");
  auto spawn = shbench("spawn", "200");
  if (!KEXPECT(sh.ok() && sh.value() > 1 && spawn.ok() && spawn.value() > 1)) return;
  u64 s = u64(sh.value()), p = u64(spawn.value());
  u64 ratio = s * 1000 / p;
  libk::format_to(ktest::out(),
                  "KBENCH sh.true: {} cycles per `true` run by sh (parse, stat, fork, exec, "
                  "wait; 200 rounds); spawn+wait of /bin/true {} cycles, ratio {}.{:03}\n",
                  s, p, ratio / 1000, ratio % 1000);
}

}  // namespace kernel
