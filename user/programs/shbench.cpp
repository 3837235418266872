// shbench: what /bin/sh costs to run a program, for the benchmark bench.sh.true_vs_spawn
// (kernel/tests/sh_bench.cpp). Exit status: cycles per run of /bin/true, N runs.
//
//   shbench sh N      through the shell's executor as `sh -c true` runs it: parse, stat,
//                     fork, exec in the child, wait (sh_system.hpp)
//   shbench spawn N   spawn + wait of /bin/true directly
#include <sh/executor.hpp>

#include "ember.hpp"
#include "sh_system.hpp"

namespace {

i64 through_sh(u64 n) {
  ember_sh::EmberSystem system;
  sh::Variables variables;
  sh::Executor executor(system, variables);
  u64 start = ember::rdtsc();
  for (u64 i = 0; i < n; ++i)
    if (executor.run_text("true") != 0) return 0;
  return i64((ember::rdtsc() - start) / n);
}

i64 through_spawn(u64 n) {
  const char* argv[] = {"true", nullptr};
  u64 start = ember::rdtsc();
  for (u64 i = 0; i < n; ++i) {
    i64 pid = ember::spawn("/bin/true", argv);
    i64 status = -1;
    if (pid < 0 || ember::wait(pid, &status) != pid || status != 0) return 0;
  }
  return i64((ember::rdtsc() - start) / n);
}

}  // namespace

int main(int argc, char** argv) {
  u64 n = ember::parse_count(argc > 2 ? argv[2] : nullptr, 100);
  if (argc > 1 && ember::streq(argv[1], "sh")) return int(through_sh(n));
  if (argc > 1 && ember::streq(argv[1], "spawn")) return int(through_spawn(n));
  ember::print("usage: shbench sh N | spawn N\n");
  return 0;
}
