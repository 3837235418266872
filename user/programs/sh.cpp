// sh: the user shell (docs/shell.md, "The user shell"). The language, expansion and executor are
// libk's (libk/include/sh); this file is the System they run on: Ember's system calls.
//
//   sh -c 'COMMANDS'   runs COMMANDS (e.g. sh -c 'hello && crash || hello')
//   sh FILE            runs the script FILE (needs open and read)
//   sh                 runs what standard input gives (needs read from the terminal)
//
// What works today: programs through spawn and wait, ; && || $? variables quoting, exit, and
// & with wait. Pipes need the pipe system call, redirections a spawn that takes descriptor
// actions (or fork, open and dup2), cd chdir: until they are built (they return NoSys) the
// shell says "not supported yet: ..." for them and goes on.
#include <sh/executor.hpp>

#include "ember.hpp"

namespace {

using sh::Error;

Error error_of(i64 result) { return Error(result); }

class EmberSystem final : public sh::System {
 public:
  libk::Result<i64, sh::SpawnError> spawn(const char* path, const char* const* argv,
                                          libk::Span<const sh::FileAction> actions) override {
    // Ember's spawn gives the child the console as 0, 1 and 2 and takes no descriptor plan.
    if (!actions.empty()) return libk::unexpected(sh::SpawnError{Error::NoSys, -1});
    i64 pid = ember::spawn(path, argv);
    if (pid < 0) return libk::unexpected(sh::SpawnError{error_of(pid), -1});
    return pid;
  }
  libk::Result<i64, Error> wait(i64 pid) override {
    i64 status = 0;
    i64 r = ember::wait(pid, &status);
    if (r < 0) return libk::unexpected(error_of(r));
    return status;
  }
  libk::Result<sh::PipeFds, Error> pipe() override {
    i32 fds[2] = {-1, -1};
    i64 r = ember_syscall(u64(abi::Syscall::Pipe), reinterpret_cast<u64>(fds));
    if (r < 0) return libk::unexpected(error_of(r));
    return sh::PipeFds{fds[0], fds[1]};
  }
  libk::Result<i32, Error> open(const char* path, u32 flags) override {
    if (flags != sh::kOpenRead) return libk::unexpected(Error::NoSys);
    i64 r = ember_syscall(u64(abi::Syscall::Open), reinterpret_cast<u64>(path), 0);
    if (r < 0) return libk::unexpected(error_of(r));
    return i32(r);
  }
  libk::Result<void, Error> close(i32 fd) override {
    i64 r = ember_syscall(u64(abi::Syscall::Close), u64(fd));
    if (r < 0) return libk::unexpected(error_of(r));
    return {};
  }
  libk::Result<usize, Error> read(i32 fd, char* buffer, usize size) override {
    i64 r = ember_syscall(u64(abi::Syscall::Read), u64(fd), reinterpret_cast<u64>(buffer), size);
    if (r < 0) return libk::unexpected(error_of(r));
    return usize(r);
  }
  libk::Result<void, Error> chdir(const char* path) override {
    i64 r = ember_syscall(u64(abi::Syscall::Chdir), reinterpret_cast<u64>(path));
    if (r < 0) return libk::unexpected(error_of(r));
    return {};
  }
  void diagnostic(libk::StringView text) override { ember::write(2, text.data(), text.size()); }
};

int usage() {
  ember::print("usage: sh [-c COMMANDS | FILE]\n");
  return int(sh::kStatusSyntax);
}

}  // namespace

int main(int argc, char** argv) {
  EmberSystem system;
  sh::Variables variables;
  sh::Executor executor(system, variables);
  if (argc == 3 && ember::streq(argv[1], "-c")) return int(executor.run_text(argv[2]));
  if (argc == 2 && argv[1][0] == '-') return usage();
  if (argc > 2) return usage();
  i32 fd = 0;
  if (argc == 2) {
    auto opened = system.open(argv[1], sh::kOpenRead);
    if (!opened) {
      executor.report("open", argv[1], opened.error());
      return int(sh::kStatusNotFound);
    }
    fd = opened.value();
  }
  return int(executor.run_script(fd));
}
