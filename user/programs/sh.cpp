// sh: the user shell (docs/shell.md, "The user shell"). The language, expansion and executor are
// libk's (libk/include/sh); this file is the System they run on: Ember's system calls.
//
//   sh -c 'COMMANDS'   runs COMMANDS (e.g. sh -c 'hello && crash || hello')
//   sh FILE            runs the script FILE
//   sh                 reads commands from standard input; when that is the terminal, with a
//                      prompt ("$ ", "> " for a continued command) and job control
//
// Starting a program is fork, then in the child: its process group (setpgid), the
// descriptor plan (open, dup2, close), exec. fork rather than spawn because the plan and the
// group are then plain system calls in the child, made before the program runs: spawn would
// need a descriptor plan and a group in its arguments, and a child joining its group only
// after it started could miss a Ctrl-C. What a child cannot do (open a redirection, exec) it
// reports itself ("sh: ...") and exits 1, or 126 when exec fails; a missing program is found
// before the fork (stat), so that the executor reports it with status 127.
#include <sh/executor.hpp>

#include "ember.hpp"

namespace {

using sh::Error;

Error error_of(i64 result) { return Error(result); }

u64 open_flags(u32 flags) {
  u64 f = abi::kOpenRead;
  if (flags & sh::kOpenWrite) f = flags & sh::kOpenRead ? abi::kOpenReadWrite : abi::kOpenWrite;
  if (flags & sh::kOpenCreate) f |= abi::kOpenCreate;
  if (flags & sh::kOpenTruncate) f |= abi::kOpenTruncate;
  if (flags & sh::kOpenAppend) f |= abi::kOpenAppend;
  return f;
}

void say(const char* a, const char* b, const char* c) {
  const char* parts[] = {"sh: ", a, ": ", b, ": ", c, "\n"};
  for (const char* part : parts) ember::write_all(2, part, ember::strlen(part));
}

// One file action in the child; false (reported) if it failed.
bool apply(const sh::FileAction& a) {
  i64 r = 0;
  switch (a.kind) {
    case sh::FileAction::Kind::Open: {
      i64 fd = ember::open(a.path, open_flags(a.flags));
      if (fd < 0) {
        say("open", a.path, abi::error_text(error_of(fd)));
        return false;
      }
      if (fd != a.fd) {
        r = ember::dup2(int(fd), a.fd);
        (void)ember::close(int(fd));
      }
      break;
    }
    case sh::FileAction::Kind::Dup2:
      if (a.source != a.fd) r = ember::dup2(a.source, a.fd);
      break;
    case sh::FileAction::Kind::Close: (void)ember::close(a.fd); break;  // closed already: fine
  }
  if (r >= 0) return true;
  say("descriptor", a.kind == sh::FileAction::Kind::Open ? a.path : "dup2",
      abi::error_text(error_of(r)));
  return false;
}

// The forked child: group, descriptors, program. Never returns.
[[noreturn]] void become(const char* path, const char* const* argv,
                         libk::Span<const sh::FileAction> actions, i64 group) {
  if (group != sh::kGroupShell) (void)ember::setpgid(0, group);  // the parent does it too
  for (const auto& a : actions)
    if (!apply(a)) ember::exit(1);
  i64 r = ember::exec(path, argv);
  say(argv[0], "cannot run", abi::error_text(error_of(r)));
  ember::exit(r == i64(Error::NoEntry) ? sh::kStatusNotFound : sh::kStatusCannotRun);
}

class EmberSystem final : public sh::System {
 public:
  libk::Result<i64, sh::SpawnError> spawn(const char* path, const char* const* argv,
                                          libk::Span<const sh::FileAction> actions,
                                          i64 group) override {
    abi::Stat st;
    if (i64 r = ember::stat(path, &st); r < 0)
      return libk::unexpected(sh::SpawnError{error_of(r), -1});
    i64 pid = ember::fork();
    if (pid < 0) return libk::unexpected(sh::SpawnError{error_of(pid), -1});
    if (pid == 0) become(path, argv, actions, group);
    // Both sides set the child's group, so it is in place whichever runs first: before the
    // next stage joins it, and before the terminal is handed to it.
    if (group != sh::kGroupShell) (void)ember::setpgid(pid, group == sh::kGroupNew ? pid : group);
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
    i64 r = ember::open(path, open_flags(flags));
    if (r < 0) return libk::unexpected(error_of(r));
    return i32(r);
  }
  libk::Result<void, Error> close(i32 fd) override {
    i64 r = ember::close(fd);
    if (r < 0) return libk::unexpected(error_of(r));
    return {};
  }
  libk::Result<usize, Error> read(i32 fd, char* buffer, usize size) override {
    i64 r = ember::read(fd, buffer, size);
    if (r < 0) return libk::unexpected(error_of(r));
    return usize(r);
  }
  libk::Result<void, Error> chdir(const char* path) override {
    i64 r = ember_syscall(u64(abi::Syscall::Chdir), reinterpret_cast<u64>(path));
    if (r < 0) return libk::unexpected(error_of(r));
    return {};
  }
  libk::Result<void, Error> set_foreground(i64 group) override {
    i64 r = ember::tty_set_foreground(0, group);
    if (r < 0) return libk::unexpected(error_of(r));
    return {};
  }
  void prompt(bool continuation) override { ember::write_all(2, continuation ? "> " : "$ ", 2); }
  void diagnostic(libk::StringView text) override { ember::write_all(2, text.data(), text.size()); }
};

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
