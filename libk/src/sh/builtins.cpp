// The built-ins that must run in the shell itself: cd, exit, wait, and NAME=VALUE
// (sh/executor.hpp).
#include "executor_internal.hpp"

namespace sh {

namespace {

// A decimal number with an optional '-'; false for anything else.
bool parse_i64(StringView text, i64& out) {
  bool negative = !text.empty() && text[0] == '-';
  u64 magnitude = 0;
  if (!libk::parse_u64(negative ? text.substr(1) : text, magnitude)) return false;
  if (magnitude > u64(1) << 62) return false;
  out = negative ? -i64(magnitude) : i64(magnitude);
  return true;
}

}  // namespace

// A built-in runs in the shell itself, so its redirections are applied to the shell's own
// descriptors and undone after it: each descriptor a redirection changes is first copied to
// one of 10-15 (as shells keep theirs at 10 and above; this shell opens none there), and
// copied back, in reverse order, once the built-in is done. `cd /tmp > f` creates f where
// the shell was, and its messages go to f.
struct Executor::SavedFd {
  i32 fd, copy;  // copy -1: `fd` was not open, and is closed again afterwards
};

namespace {

constexpr i32 kFirstSaveFd = 10;

}  // namespace

i64 Executor::run_builtin(const Program& program, const Command& command, Argv& argv) {
  if (command.redirect_count == 0) return run_builtin_here(argv);
  if (!plan(program, command, -1, -1, -1, argv)) {
    say("too many redirections or redirection targets too long");
    return kStatusSyntax;
  }
  libk::FixedVector<SavedFd, 6> saved;
  i64 status = 1;  // a redirection failed: the built-in does not run
  if (redirect_shell(argv, saved)) status = run_builtin_here(argv);
  restore_shell(saved);
  return status;
}

bool Executor::redirect_shell(const Argv& argv, libk::FixedVector<SavedFd, 6>& saved) {
  for (const FileAction& a : argv.actions) {
    bool known = false;
    for (const SavedFd& s : saved) known |= s.fd == a.fd;
    if (!known) {
      if (saved.full()) {
        say_formatted(system_, "{}: too many descriptors redirected (at most {})", argv.name(),
                      saved.capacity());
        return false;
      }
      i32 copy = kFirstSaveFd + i32(saved.size());
      auto r = system_.dup2(a.fd, copy);
      if (!r && r.error() != Error::BadDescriptor) {
        report("dup2", argv.name(), r.error());
        return false;
      }
      VERIFY(saved.push_back({a.fd, r ? copy : -1}));
    }
    switch (a.kind) {
      case FileAction::Kind::Open: {
        auto fd = system_.open(a.path, a.flags);
        if (!fd) {
          report("open", a.path, fd.error());
          return false;
        }
        if (fd.value() == a.fd) break;
        auto moved = system_.dup2(fd.value(), a.fd);
        close_quietly(fd.value());
        if (!moved) {
          report("dup2", argv.name(), moved.error());
          return false;
        }
        break;
      }
      case FileAction::Kind::Dup2:
        if (a.source == a.fd) break;
        if (auto r = system_.dup2(a.source, a.fd); !r) {
          say_formatted(system_, "{}: descriptor {}: {}", argv.name(), a.source,
                        abi::error_text(r.error()));
          return false;
        }
        break;
      case FileAction::Kind::Close: close_quietly(a.fd); break;
    }
  }
  return true;
}

void Executor::restore_shell(libk::FixedVector<SavedFd, 6>& saved) {
  for (usize i = saved.size(); i-- > 0;) {
    const SavedFd& s = saved[i];
    if (s.copy < 0) {
      close_quietly(s.fd);
      continue;
    }
    (void)system_.dup2(s.copy, s.fd);
    close_quietly(s.copy);
  }
  saved.clear();
}

i64 Executor::run_builtin_here(const Argv& argv) {
  if (argv.name() == "cd") return builtin_cd(argv);
  if (argv.name() == "exit") return builtin_exit(argv);
  return builtin_wait(argv);
}

i64 Executor::builtin_cd(const Argv& argv) {
  if (argv.argc > 2) {
    say("cd: too many arguments");
    return kStatusSyntax;
  }
  const char* dir = argv.argc == 2 ? argv.argv[1] : "/";
  auto r = system_.chdir(dir);
  if (r) return 0;
  report("cd", dir, r.error());
  return 1;
}

// exit [N]: ends the shell with N (default: the last status).
i64 Executor::builtin_exit(const Argv& argv) {
  i64 status = variables_.status();
  if (argv.argc > 2) {
    say("exit: too many arguments");
    return kStatusSyntax;
  }
  if (argv.argc == 2 && !parse_i64(argv.argv[1], status)) {
    say_formatted(system_, "exit: {}: a number is needed", argv.argv[1]);
    status = kStatusSyntax;
  }
  exit_requested_ = true;
  return status;
}

// wait: every background job, in the order they started (status 0); wait PID: that one (its
// status), 127 if it is not a background job of this shell.
i64 Executor::builtin_wait(const Argv& argv) {
  if (argv.argc == 1) {
    for (i64 pid : background_) {
      auto r = system_.wait(pid);
      if (!r) report("wait", "", r.error());
    }
    background_.clear();
    return 0;
  }
  i64 status = 0;
  for (usize i = 1; i < argv.argc; ++i) {
    i64 pid = 0;
    usize at = background_.size();
    if (parse_i64(argv.argv[i], pid))
      for (usize j = 0; j < background_.size(); ++j)
        if (background_[j] == pid) at = j;
    if (at == background_.size()) {
      say_formatted(system_, "wait: {}: not a background job of this shell", argv.argv[i]);
      status = kStatusNotFound;
      continue;
    }
    auto r = system_.wait(pid);
    status = r ? r.value() : 1;
    if (!r) report("wait", "", r.error());
    libk::FixedVector<i64, kMaxBackground> rest;
    for (usize j = 0; j < background_.size(); ++j)
      if (j != at) (void)rest.push_back(background_[j]);
    background_ = rest;
  }
  return status;
}

// NAME=VALUE [NAME=VALUE...] alone on a command: sets shell variables.
i64 Executor::assign(const Program& program, const Command& command) {
  if (command.redirect_count > 0) {
    say("not supported yet: redirections on assignments");
    return kStatusSyntax;
  }
  for (u16 i = 0; i < command.word_count; ++i) {
    StringView name, raw;
    if (!split_assignment(program.words[command.first_word + i].raw, name, raw)) {
      say("not supported yet: variables for one command (programs have no environment)");
      return kStatusSyntax;
    }
    char value[Variables::kMaxValue + 1];
    auto n = expand(raw, variables_, value, sizeof(value));
    if (!n || !variables_.set(name, StringView(value, n.value()))) {
      say_formatted(system_, "{}: cannot set (at most {} variables of {} bytes)", name,
                    Variables::kMaxVariables, Variables::kMaxValue);
      return 1;
    }
  }
  return 0;
}

}  // namespace sh
