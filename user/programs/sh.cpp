// sh: the user shell (docs/shell.md, "The user shell"). The language, expansion and executor are
// libk's (libk/include/sh); sh_system.hpp is the System they run on: Ember's system calls
// (programs start with fork, setpgid, the descriptor plan and exec).
//
//   sh -c 'COMMANDS'   runs COMMANDS (e.g. sh -c 'hello && crash || hello')
//   sh FILE            runs the script FILE
//   sh                 reads commands from standard input; when that is the terminal, with a
//                      prompt ("$ ", "> " for a continued command) and job control
#include <sh/executor.hpp>

#include "ember.hpp"
#include "sh_system.hpp"

namespace {

using ember_sh::EmberSystem;

int usage() {
  ember::print("usage: sh [-c COMMANDS | FILE]\n");
  return int(sh::kStatusSyntax);
}

// Commands from the terminal: a prompt per line, each pipeline in its own process group and
// the terminal's foreground group while it runs; at the prompt no group is, so Ctrl-C only
// drops the line being typed.
int interactive(EmberSystem& system, sh::Executor& executor) {
  executor.set_job_control(true);
  if (auto r = system.set_foreground(0); !r) executor.report("terminal", "", r.error());
  return int(executor.run_script(0, true));
}

}  // namespace

int main(int argc, char** argv) {
  EmberSystem system;
  sh::Variables variables;
  sh::Executor executor(system, variables);
  if (argc == 3 && ember::streq(argv[1], "-c")) return int(executor.run_text(argv[2]));
  if (argc == 2 && argv[1][0] == '-') return usage();
  if (argc > 2) return usage();
  if (argc == 1) {
    abi::WinSize size;
    if (ember::winsize(0, &size) == 0) return interactive(system, executor);
    return int(executor.run_script(0));
  }
  auto opened = system.open(argv[1], sh::kOpenRead);
  if (!opened) {
    executor.report("open", argv[1], opened.error());
    return int(sh::kStatusNotFound);
  }
  return int(executor.run_script(opened.value()));
}
