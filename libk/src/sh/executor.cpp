// The executor's lists, and-or chains and pipelines (sh/executor.hpp).
#include "executor_internal.hpp"

namespace sh {

namespace {

// What a missing system call means for the user, by the call the executor made.
const char* needs(const char* what) {
  if (StringView(what) == "pipe") return "pipes need the pipe system call";
  if (StringView(what) == "cd") return "cd needs the chdir system call";
  if (StringView(what) == "open") return "scripts from files need the open system call";
  if (StringView(what) == "read") return "reading commands needs the read system call";
  if (StringView(what) == "terminal") return "job control needs setpgid and tty_set_foreground";
  return "redirections need spawn with descriptors (or fork, open and dup2)";
}

}  // namespace

const char* Executor::Argv::add(StringView raw, const Environment& env) {
  auto n = expand(raw, env, arena + used, kArgBytes - used);
  if (!n) {
    too_long = true;
    return nullptr;
  }
  const char* word = arena + used;
  used += n.value() + 1;
  return word;
}

void Executor::say(StringView text) { say_formatted(system_, "{}", text); }

void Executor::report(const char* what, StringView detail, Error error) {
  if (error == Error::NoSys) {
    say_formatted(system_, "not supported yet: {}", needs(what));
  } else if (detail.empty()) {
    say_formatted(system_, "{}: {}", what, abi::error_text(error));
  } else {
    say_formatted(system_, "{}: {}: {}", what, detail, abi::error_text(error));
  }
}

void Executor::report_parse_error(const ParseError& error) {
  char text[160];
  usize n = describe(error, text, sizeof(text));
  say(StringView(text, n));
}

void Executor::close_quietly(i32 fd) {
  if (fd >= 0) (void)system_.close(fd);
}

i64 Executor::run(const Program& program) {
  for (const AndOr& list : program.and_ors) {
    variables_.set_status(run_and_or(program, list));
    if (exit_requested_) break;
  }
  return variables_.status();
}

i64 Executor::run_text(StringView text) {
  auto parsed = parse(text, program_);
  if (!parsed) {
    report_parse_error(parsed.error());
    variables_.set_status(kStatusSyntax);
    return kStatusSyntax;
  }
  return run(program_);
}

i64 Executor::run_and_or(const Program& program, const AndOr& list) {
  if (list.background && list.pipeline_count > 1) return run_in_background(program, list);
  return run_chain(program, list, list.background);
}

// `a && b &`: the whole list runs in a copy of the shell (its pipelines one after the other,
// in the copy's process group, never with the terminal), which is the background job that
// `wait` collects; its status is the list's. The shell goes on at once with status 0.
i64 Executor::run_in_background(const Program& program, const AndOr& list) {
  struct Job {
    Executor* shell;
    const Program* program;
    const AndOr* list;
  } job{this, &program, &list};
  auto body = [](void* context) -> i64 {
    auto& j = *static_cast<Job*>(context);
    bool job_control = j.shell->job_control_;
    j.shell->job_control_ = false;  // the copy's pipelines stay in its group
    i64 status = j.shell->run_chain(*j.program, *j.list, false);
    j.shell->job_control_ = job_control;
    return status;
  };
  if (background_.full()) {
    say_formatted(system_, "too many background jobs (at most {})", kMaxBackground);
    return 1;
  }
  auto pid = system_.fork_run(body, &job);
  if (!pid) {
    if (pid.error() == Error::NoSys) {
      say("not supported yet: '&' after '&&' or '||' needs fork");
      return kStatusSyntax;
    }
    report("fork", "", pid.error());
    return 1;
  }
  VERIFY(background_.push_back(pid.value()));
  return 0;
}

i64 Executor::run_chain(const Program& program, const AndOr& list, bool background) {
  i64 status = variables_.status();
  for (u16 i = 0; i < list.pipeline_count; ++i) {
    const Pipeline& pipeline = program.pipelines[list.first_pipeline + i];
    bool run = pipeline.connector == Connector::First ||
               (pipeline.connector == Connector::And && status == 0) ||
               (pipeline.connector == Connector::Or && status != 0);
    if (!run) continue;
    status = run_pipeline(program, pipeline, background);
    variables_.set_status(status);
    if (exit_requested_) break;
  }
  return status;
}

// The child's plumbing: `in`/`out` become 0/1 (when >= 0) and every pipe descriptor is closed
// (`other` is the read end of the pipe this child writes to), then the redirections in order.
bool Executor::plan(const Program& program, const Command& command, i32 in, i32 out, i32 other,
                    Argv& argv) {
  auto& actions = argv.actions;
  bool ok = true;
  if (in >= 0) ok = ok && actions.push_back({FileAction::Kind::Dup2, 0, in, 0, nullptr});
  if (out >= 0) ok = ok && actions.push_back({FileAction::Kind::Dup2, 1, out, 0, nullptr});
  const i32 pipe_ends[] = {in, out, other};
  for (i32 fd : pipe_ends)
    if (fd > 1) ok = ok && actions.push_back({FileAction::Kind::Close, fd, 0, 0, nullptr});
  for (u16 i = 0; i < command.redirect_count && ok; ++i) {
    const Redirect& r = program.redirects[command.first_redirect + i];
    FileAction a{FileAction::Kind::Open, i32(r.fd), 0, 0, nullptr};
    switch (r.kind) {
      case RedirectKind::Input: a.flags = kOpenRead; break;
      case RedirectKind::Output: a.flags = kOpenWrite | kOpenCreate | kOpenTruncate; break;
      case RedirectKind::Append: a.flags = kOpenWrite | kOpenCreate | kOpenAppend; break;
      case RedirectKind::Dup:
        a.kind = FileAction::Kind::Dup2;
        a.source = i32(r.source);
        break;
      case RedirectKind::Close: a.kind = FileAction::Kind::Close; break;
    }
    if (a.kind == FileAction::Kind::Open) {
      a.path = argv.add(r.target.raw, variables_);
      if (!a.path) return false;
    }
    ok = actions.push_back(a);
  }
  return ok;
}

bool Executor::expand_command(const Program& program, const Command& command, Argv& argv) {
  if (command.word_count > kMaxArgv) {
    say_formatted(system_, "too many arguments (at most {})", kMaxArgv);
    return false;
  }
  for (u16 i = 0; i < command.word_count; ++i) {
    const char* word = argv.add(program.words[command.first_word + i].raw, variables_);
    if (!word) {
      say_formatted(system_, "arguments too long after expansion (at most {} bytes)", kArgBytes);
      return false;
    }
    argv.argv[argv.argc++] = word;
  }
  argv.argv[argv.argc] = nullptr;
  return true;
}

// Starts one stage; returns its pid, or 0 with the failure's status in *status.
i64 Executor::start(const Program& program, const Command& command, i32 in, i32 out, i32 other,
                    i64 group) {
  Argv argv;
  if (!expand_command(program, command, argv)) return -kStatusSyntax;
  if (!plan(program, command, in, out, other, argv)) {
    say("too many redirections or redirection targets too long");
    return -kStatusSyntax;
  }
  if (argv.argc == 0) {
    say("not supported yet: redirections without a command");
    return -kStatusSyntax;
  }
  StringView name = argv.name();
  libk::BufferSink path(argv.path, sizeof(argv.path));
  libk::format_to(path, "{}{}", name.find('/') == StringView::npos ? "/bin/" : "", name);
  if (path.truncated()) {
    report(argv.argv[0], "", Error::NameTooLong);
    return -kStatusNotFound;
  }
  auto pid = system_.spawn(argv.path, argv.argv, argv.actions.span(), group);
  if (pid) return pid.value();
  SpawnError e = pid.error();
  if (e.action >= 0 && usize(e.action) < argv.actions.size()) {
    const FileAction& a = argv.actions[usize(e.action)];
    if (a.kind == FileAction::Kind::Open) {
      report("open", a.path, e.error);
    } else {
      say_formatted(system_, "{}: descriptor {}: {}", name, a.source, abi::error_text(e.error));
    }
    return -1;
  }
  if (e.error == Error::NoEntry) {
    say_formatted(system_, "{}: command not found", name);
    return -kStatusNotFound;
  }
  report("spawn", name, e.error);
  return -kStatusCannotRun;
}

}  // namespace sh
