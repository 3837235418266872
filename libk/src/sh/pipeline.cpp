// Pipelines: the pipes between stages, what the shell closes when, and the waits
// (sh/executor.hpp).
#include "executor_internal.hpp"

namespace sh {

namespace {

bool is_builtin_name(StringView name) { return name == "cd" || name == "exit" || name == "wait"; }

}  // namespace

// True if the command's first word expands to a built-in's name (argv is left empty).
bool Executor::is_builtin(const Program& program, const Command& command, Argv& argv) {
  if (command.word_count == 0) return false;
  const char* first = argv.add(program.words[command.first_word].raw, variables_);
  argv.used = 0;
  return first && is_builtin_name(first);
}

i64 Executor::run_pipeline(const Program& program, const Pipeline& pipeline, bool background) {
  const Command* commands = &program.commands[pipeline.first_command];
  StringView name, value;
  if (pipeline.command_count == 1 && commands[0].word_count > 0 &&
      split_assignment(program.words[commands[0].first_word].raw, name, value))
    return assign(program, commands[0]);
  for (u16 i = 0; i < pipeline.command_count; ++i) {
    Argv argv;
    if (!is_builtin(program, commands[i], argv)) continue;
    if (!expand_command(program, commands[i], argv)) return kStatusSyntax;
    if (pipeline.command_count > 1) {
      say_formatted(system_, "{}: a built-in cannot be part of a pipeline", argv.name());
      return kStatusSyntax;
    }
    return run_builtin(program, commands[i], argv);
  }
  libk::FixedVector<i64, kMaxPipeline> pids;
  i64 failed = 0;  // the last stage's status when it did not start
  i32 in = -1;
  i64 group = job_control_ ? kGroupNew : kGroupShell;
  for (u16 i = 0; i < pipeline.command_count; ++i) {
    PipeFds next{-1, -1};
    bool last = i + 1 == pipeline.command_count;
    if (!last) {
      auto fds = system_.pipe();
      if (!fds) {
        report("pipe", "", fds.error());
        close_quietly(in);
        return finish_pipeline(pids.span(), 1, background);
      }
      next = fds.value();
    }
    i64 started = start(program, commands[i], in, next.write, next.read, group);
    // The ends this child needed are now its own: the shell keeps none, so a reader sees end
    // of file once its writer exits.
    close_quietly(in);
    close_quietly(next.write);
    in = next.read;
    if (started > 0) {
      VERIFY(pids.push_back(started));  // at most kMaxPipeline stages
      failed = 0;
      if (group == kGroupNew) group = give_terminal(started, background);
    } else {
      failed = -started;
    }
  }
  return finish_pipeline(pids.span(), failed, background);
}

// The first stage started and leads the pipeline's group: a foreground pipeline gets the
// terminal now, before the other stages start, so that Ctrl-C reaches each one that joins.
i64 Executor::give_terminal(i64 leader, bool background) {
  if (background) return leader;
  if (auto r = system_.set_foreground(leader); !r) report("terminal", "", r.error());
  foreground_ = true;
  return leader;
}

// Waits for every stage in order (or hands them to `wait` when in the background); the status
// is the last stage's, or `failed` if the last stage did not start.
i64 Executor::finish_pipeline(libk::Span<const i64> pids, i64 failed, bool background) {
  if (background) {
    for (i64 pid : pids) {
      if (background_.push_back(pid)) continue;
      say_formatted(system_, "too many background jobs (at most {}); waiting for {}",
                    kMaxBackground, pid);
      (void)system_.wait(pid);
    }
    return failed;
  }
  i64 status = failed;
  for (usize i = 0; i < pids.size(); ++i) {
    auto result = system_.wait(pids[i]);
    if (!result) report("wait", "", result.error());
    if (i + 1 == pids.size() && failed == 0) status = result ? result.value() : 1;
  }
  if (foreground_) {  // the terminal is the shell's again (it errs only as give_terminal did)
    (void)system_.set_foreground(0);
    foreground_ = false;
  }
  return status;
}

}  // namespace sh
