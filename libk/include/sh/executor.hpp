// The user shell's executor: runs a parsed Program (sh/parser.hpp) through a System
// (sh/system.hpp), with the variables of sh/expand.hpp.
//
//   pipelines  a | b | c: one pipe between each pair; each child gets the read end as 0 and/or
//              the write end as 1 and no other pipe descriptor; the shell closes each end as
//              soon as the child that needs it has started, so a reader sees end of file when
//              its writer exits. The shell then waits for every stage, in order; the status is
//              the last stage's.
//   redirects  applied in the child in source order, after the pipe plumbing, so
//              `>f 2>&1` sends both to f while `2>&1 >f` sends 2 to the old 1 (XCU 2.7).
//   lists      ; runs in order, && and || on the status ($?), & starts a pipeline without
//              waiting (`wait` collects it); `a && b &` runs the whole list in a copy of the
//              shell (System::fork_run), which is the job `wait` collects.
//   built-ins  cd [DIR], exit [N], wait [PID], NAME=VALUE (only alone: the status quo of
//              variables for one command needs an environment for programs). A built-in's
//              redirections apply to the shell's own descriptors while it runs, then are
//              undone (saved at 10-15); a built-in in a pipeline is refused.
//   programs   a name without '/' runs /bin/NAME. Not found: status 127; could not start: 126.
//   job control  (interactive shells: set_job_control) each pipeline runs in a process group
//              of its own, led by its first stage; a foreground pipeline is the terminal's
//              foreground group until its last stage was waited for (Ctrl-C ends all of it, not
//              the shell), then no group is. Without job control every child stays in the
//              shell's group, so Ctrl-C ends a script together with what it runs.
//
// Failures of the System are reported through System::diagnostic as "sh: ..." lines; a call
// the system does not have yet (NoSys) reads "sh: not supported yet: pipes need the pipe
// system call". Nothing here allocates; every limit is an error message, never a crash.
#pragma once

#include <sh/expand.hpp>
#include <sh/parser.hpp>
#include <sh/system.hpp>

namespace sh {

inline constexpr usize kMaxBackground = 16;  // background processes not yet waited for
inline constexpr usize kArgBytes = 4096;     // one command's expanded words, with their NULs
inline constexpr usize kMaxArgv = 32;        // one command's arguments
inline constexpr i64 kStatusSyntax = 2;      // a syntax error or a built-in's usage error
inline constexpr i64 kStatusCannotRun = 126;
inline constexpr i64 kStatusNotFound = 127;

class Executor {
 public:
  Executor(System& system, Variables& variables) : system_(system), variables_(variables) {}

  // Runs every list of `program` in order (stops after `exit`); returns $?.
  i64 run(const Program& program);
  // Parses and runs `text` (sh -c TEXT); a syntax error is reported and gives status 2.
  i64 run_text(StringView text);
  // Reads a script from `fd` and runs it as it goes, a complete command at a time (a quote
  // may span lines). Returns $? after the last command. `interactive`: System::prompt before
  // each line is read (the terminal gives one line per read).
  i64 run_script(i32 fd, bool interactive = false);
  // Process groups and the terminal's foreground group for each pipeline (see above).
  void set_job_control(bool on) { job_control_ = on; }

  bool exit_requested() const { return exit_requested_; }
  i64 status() const { return variables_.status(); }
  usize background_jobs() const { return background_.size(); }
  // "sh: WHAT: DETAIL: ERROR", or "sh: not supported yet: ..." for NoSys, through the system.
  void report(const char* what, StringView detail, Error error);

 private:
  friend struct ExecutorAccess;
  struct Argv;

  i64 run_and_or(const Program& program, const AndOr& list);
  i64 run_chain(const Program& program, const AndOr& list, bool background);
  i64 run_in_background(const Program& program, const AndOr& list);
  i64 run_pipeline(const Program& program, const Pipeline& pipeline, bool background);
  struct SavedFd;
  i64 run_builtin(const Program& program, const Command& command, Argv& argv);
  i64 run_builtin_here(const Argv& argv);
  bool redirect_shell(const Argv& argv, libk::FixedVector<SavedFd, 6>& saved);
  void restore_shell(libk::FixedVector<SavedFd, 6>& saved);
  i64 builtin_cd(const Argv& argv);
  i64 builtin_exit(const Argv& argv);
  i64 builtin_wait(const Argv& argv);
  i64 assign(const Program& program, const Command& command);
  bool is_builtin(const Program& program, const Command& command, Argv& argv);
  [[nodiscard]] bool expand_command(const Program& program, const Command& command, Argv& argv);
  [[nodiscard]] bool plan(const Program& program, const Command& command, i32 in, i32 out,
                          i32 other, Argv& argv);
  i64 start(const Program& program, const Command& command, i32 in, i32 out, i32 other, i64 group);
  i64 give_terminal(i64 leader, bool background);
  i64 finish_pipeline(libk::Span<const i64> pids, i64 last_status, bool background);
  void report_parse_error(const ParseError& error);
  void say(StringView text);
  void close_quietly(i32 fd);

  System& system_;
  Variables& variables_;
  Program program_;
  libk::FixedVector<i64, kMaxBackground> background_;
  bool exit_requested_ = false;
  bool job_control_ = false;
  bool foreground_ = false;  // a pipeline has the terminal (set_foreground was called)
};

}  // namespace sh
