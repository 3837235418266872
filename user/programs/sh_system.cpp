// The user shell's System on Ember's system calls (sh_system.hpp).
#include "sh_system.hpp"

#include "ember.hpp"

namespace ember_sh {

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

}  // namespace

libk::Result<i64, sh::SpawnError> EmberSystem::spawn(const char* path, const char* const* argv,
                                                     libk::Span<const sh::FileAction> actions,
                                                     i64 group) {
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

libk::Result<i64, Error> EmberSystem::wait(i64 pid) {
  i64 status = 0;
  i64 r = ember::wait(pid, &status);
  if (r < 0) return libk::unexpected(error_of(r));
  return status;
}

libk::Result<sh::PipeFds, Error> EmberSystem::pipe() {
  i32 fds[2] = {-1, -1};
  i64 r = ember_syscall(u64(abi::Syscall::Pipe), reinterpret_cast<u64>(fds));
  if (r < 0) return libk::unexpected(error_of(r));
  return sh::PipeFds{fds[0], fds[1]};
}

libk::Result<i32, Error> EmberSystem::open(const char* path, u32 flags) {
  i64 r = ember::open(path, open_flags(flags));
  if (r < 0) return libk::unexpected(error_of(r));
  return i32(r);
}

libk::Result<void, Error> EmberSystem::close(i32 fd) {
  i64 r = ember::close(fd);
  if (r < 0) return libk::unexpected(error_of(r));
  return {};
}

libk::Result<void, Error> EmberSystem::dup2(i32 from, i32 to) {
  i64 r = ember::dup2(from, to);
  if (r < 0) return libk::unexpected(error_of(r));
  return {};
}

libk::Result<usize, Error> EmberSystem::read(i32 fd, char* buffer, usize size) {
  i64 r = ember::read(fd, buffer, size);
  if (r < 0) return libk::unexpected(error_of(r));
  return usize(r);
}

// The copy leads a group of its own (both sides set it, as for a pipeline's first stage), so
// that Ctrl-C at the terminal never reaches it, and `kill` can end it with what it runs.
libk::Result<i64, Error> EmberSystem::fork_run(i64 (*body)(void*), void* context) {
  i64 pid = ember::fork();
  if (pid < 0) return libk::unexpected(error_of(pid));
  if (pid == 0) {
    (void)ember::setpgid(0, 0);
    ember::exit(body(context));
  }
  (void)ember::setpgid(pid, pid);
  return pid;
}

libk::Result<void, Error> EmberSystem::chdir(const char* path) {
  i64 r = ember_syscall(u64(abi::Syscall::Chdir), reinterpret_cast<u64>(path));
  if (r < 0) return libk::unexpected(error_of(r));
  return {};
}

libk::Result<void, Error> EmberSystem::set_foreground(i64 group) {
  i64 r = ember::tty_set_foreground(0, group);
  if (r < 0) return libk::unexpected(error_of(r));
  return {};
}

void EmberSystem::prompt(bool continuation) { ember::write_all(2, continuation ? "> " : "$ ", 2); }

void EmberSystem::diagnostic(libk::StringView text) {
  ember::write_all(2, text.data(), text.size());
}

}  // namespace ember_sh
