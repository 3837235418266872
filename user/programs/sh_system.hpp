// The user shell's System (sh/system.hpp) on Ember's system calls, for /bin/sh and its
// benchmark (shbench). Starting a program is fork, then in the child: its process group
// (setpgid), the descriptor plan (open, dup2, close), exec. fork rather than spawn because
// the plan and the group are then plain system calls in the child, made before the program
// runs: spawn would need a descriptor plan and a group in its arguments, and a child joining
// its group only after it started could miss a Ctrl-C. What a child cannot do (open a
// redirection, exec) it reports itself ("sh: ...") and exits 1, or 126/127 when exec fails;
// a missing program is found before the fork (stat), so that the executor reports it with
// status 127 and no process is made.
#pragma once

#include <sh/executor.hpp>

namespace ember_sh {

class EmberSystem final : public sh::System {
 public:
  libk::Result<i64, sh::SpawnError> spawn(const char* path, const char* const* argv,
                                          libk::Span<const sh::FileAction> actions,
                                          i64 group) override;
  libk::Result<i64, sh::Error> wait(i64 pid) override;
  libk::Result<sh::PipeFds, sh::Error> pipe() override;
  libk::Result<i32, sh::Error> open(const char* path, u32 flags) override;
  libk::Result<void, sh::Error> close(i32 fd) override;
  libk::Result<usize, sh::Error> read(i32 fd, char* buffer, usize size) override;
  libk::Result<void, sh::Error> chdir(const char* path) override;
  libk::Result<void, sh::Error> dup2(i32 from, i32 to) override;
  libk::Result<i64, sh::Error> fork_run(i64 (*body)(void*), void* context) override;
  // On descriptor 0, which an interactive shell has on the terminal.
  libk::Result<void, sh::Error> set_foreground(i64 group) override;
  void prompt(bool continuation) override;  // "$ " or "> ", to standard error
  void diagnostic(libk::StringView text) override;
};

}  // namespace ember_sh
