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

i64 Executor::run_builtin(const Program&, const Command& command, const Argv& argv) {
  if (command.redirect_count > 0) {
    say_formatted(system_, "not supported yet: redirections on the built-in {}", argv.name());
    return kStatusSyntax;
  }
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
