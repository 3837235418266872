// The user shell's executor (libk/include/sh/executor.hpp) against a fake system
// (sh_fake_system.hpp): which descriptors each child gets, what the shell closes, the order of
// waits, $? through && || ;, background jobs and wait, the built-ins, scripts.
#include <catch2/catch.hpp>
#include <memory>
#include <sh/executor.hpp>
#include <string>

#include "sh_fake_system.hpp"

namespace {

using namespace sh;
using Fds = std::map<int, std::string>;
using Log = std::vector<std::string>;

struct Shell {
  test::FakeSystem system;
  Variables variables;
  std::unique_ptr<Executor> executor = std::make_unique<Executor>(system, variables);

  i64 run(const std::string& text) { return executor->run_text({text.data(), text.size()}); }
  Fds child_fds(usize index) { return system.started().at(index)->fds; }
  std::string var(const char* name) {
    libk::StringView v = variables.lookup(name);
    return std::string(v.data(), v.size());
  }
};

const Fds kTty = {{0, "tty"}, {1, "tty"}, {2, "tty"}};

}  // namespace

TEST_CASE("sh run: a program gets /bin/NAME, its words as argv and the shell's descriptors") {
  Shell sh;
  CHECK(sh.run("hello 'a b' \"$?\"") == 0);
  REQUIRE(sh.system.children.size() == 1);
  auto* child = sh.system.started()[0];
  CHECK(child->path == "/bin/hello");
  CHECK(child->argv == std::vector<std::string>{"hello", "a b", "0"});
  CHECK(child->fds == kTty);
  CHECK(sh.system.log == Log{"spawn 10 /bin/hello", "wait 10"});
}

TEST_CASE("sh run: a name with a slash is used as the path") {
  Shell sh;
  sh.system.status_of["/x/tool"] = 0;
  CHECK(sh.run("/x/tool") == 0);
  CHECK(sh.system.started()[0]->path == "/x/tool");
}

TEST_CASE("sh run: a missing program is status 127 with a message") {
  Shell sh;
  CHECK(sh.run("nosuch x") == kStatusNotFound);
  CHECK(sh.system.diagnostics == "sh: nosuch: command not found\n");
  CHECK(sh.var("?") == "127");
}

TEST_CASE("sh run: a | b | c: each child gets only its pipe ends, the shell keeps none") {
  Shell sh;
  CHECK(sh.run("a | b | c") == 0);
  CHECK(sh.child_fds(0) == Fds{{0, "tty"}, {1, "pipe1.w"}, {2, "tty"}});
  CHECK(sh.child_fds(1) == Fds{{0, "pipe1.r"}, {1, "pipe2.w"}, {2, "tty"}});
  CHECK(sh.child_fds(2) == Fds{{0, "pipe2.r"}, {1, "tty"}, {2, "tty"}});
  CHECK(sh.system.fds == kTty);
  // Each end is closed in the shell as soon as the child that needs it has started; the
  // waits come after every stage has started, in pipeline order.
  CHECK(sh.system.log == Log{"pipe 3 4", "spawn 10 /bin/a", "close 4", "pipe 4 5",
                             "spawn 11 /bin/b", "close 3", "close 5", "spawn 12 /bin/c", "close 4",
                             "wait 10", "wait 11", "wait 12"});
}

TEST_CASE("sh run: a pipe's write end lives only in its writer, so the reader sees EOF") {
  Shell sh;
  sh.system.status_of["/bin/cat"] = 0;
  // Stop before the waits by running it in the background.
  CHECK(sh.run("a | cat &") == 0);
  CHECK(sh.system.references("pipe1.w") == 1);
  CHECK(sh.child_fds(0).at(1) == "pipe1.w");
  CHECK(sh.system.references("pipe1.r") == 1);
  CHECK(sh.child_fds(1).at(0) == "pipe1.r");
}

TEST_CASE("sh run: the status of a pipeline is its last command's") {
  Shell sh;
  CHECK(sh.run("false | true") == 0);
  CHECK(sh.run("true | false") == 1);
  CHECK(sh.run("true | nosuch") == kStatusNotFound);
  // A stage that cannot start does not leak the pipe: the shell closes both ends.
  CHECK(sh.run("nosuch | true") == 0);
  CHECK(sh.system.fds == kTty);
}

TEST_CASE("sh run: redirections open files in the child, in order") {
  Shell sh;
  CHECK(sh.run("a <in >out 2>>log") == 0);
  CHECK(sh.child_fds(0) == Fds{{0, "file in (r)"}, {1, "file out (wct)"}, {2, "file log (wca)"}});
  CHECK(sh.system.fds == kTty);
}

TEST_CASE("sh run: >f 2>&1 sends both to f, 2>&1 >f sends 2 to the old 1") {
  Shell sh;
  CHECK(sh.run("a >f 2>&1; b 2>&1 >f") == 0);
  CHECK(sh.child_fds(0) == Fds{{0, "tty"}, {1, "file f (wct)"}, {2, "file f (wct)"}});
  CHECK(sh.child_fds(1) == Fds{{0, "tty"}, {1, "file f (wct)"}, {2, "tty"}});
}

TEST_CASE("sh run: redirections come after the pipe plumbing; N>&M and N>&- generally") {
  Shell sh;
  CHECK(sh.run("a 2>&1 | b 3<&0 <&-") == 0);
  CHECK(sh.child_fds(0) == Fds{{0, "tty"}, {1, "pipe1.w"}, {2, "pipe1.w"}});
  CHECK(sh.child_fds(1) == Fds{{1, "tty"}, {2, "tty"}, {3, "pipe1.r"}});
}

TEST_CASE("sh run: a redirection that fails stops that command only") {
  Shell sh;
  CHECK(sh.run("a >/nope/f; b") == 0);
  CHECK(sh.system.diagnostics == "sh: open: /nope/f: no such file\n");
  CHECK(sh.system.children.size() == 1);
  CHECK(sh.run("a >/nope/f") == 1);
  CHECK(sh.run("a 2>&9") == 1);
  CHECK(sh.system.diagnostics.find("sh: a: descriptor 9: bad file descriptor\n") !=
        std::string::npos);
}

TEST_CASE("sh run: file names are expanded") {
  Shell sh;
  CHECK(sh.run("D=dir; a >\"$D/out\"") == 0);
  CHECK(sh.child_fds(0).at(1) == "file dir/out (wct)");
}

TEST_CASE("sh run: && and || run on $?, ; always") {
  Shell sh;
  CHECK(sh.run("true && a") == 0);
  CHECK(sh.system.children.size() == 2);
  CHECK(sh.run("false && a") == 1);
  CHECK(sh.system.children.size() == 3);
  CHECK(sh.run("false || a") == 0);
  CHECK(sh.system.children.size() == 5);
  CHECK(sh.run("true || a; b") == 0);
  CHECK(sh.system.children.size() == 7);
  CHECK(sh.run("false && a || b") == 0);  // (false && a) || b
  CHECK(sh.system.started().back()->path == "/bin/b");
  CHECK(sh.run("true && false || false && a") == 1);
}

TEST_CASE("sh run: $? after a failed program, in the next command's words") {
  Shell sh;
  sh.system.status_of["/bin/fail"] = 5;
  CHECK(sh.run("fail; hello $? \"${?}\"") == 0);
  CHECK(sh.system.started()[1]->argv == std::vector<std::string>{"hello", "5", "5"});
}

TEST_CASE("sh run: & starts without waiting; wait collects the jobs in order") {
  Shell sh;
  CHECK(sh.run("a & b & c") == 0);
  CHECK(sh.system.log == Log{"spawn 10 /bin/a", "spawn 11 /bin/b", "spawn 12 /bin/c", "wait 12"});
  CHECK(sh.executor->background_jobs() == 2);
  CHECK(sh.run("wait") == 0);
  CHECK(sh.system.log == Log{"spawn 10 /bin/a", "spawn 11 /bin/b", "spawn 12 /bin/c", "wait 12",
                             "wait 10", "wait 11"});
  CHECK(sh.executor->background_jobs() == 0);
}

TEST_CASE("sh run: wait PID returns that job's status; other pids are refused") {
  Shell sh;
  sh.system.status_of["/bin/fail"] = 4;
  CHECK(sh.run("a & fail &") == 0);
  CHECK(sh.run("wait 11") == 4);
  CHECK(sh.executor->background_jobs() == 1);
  CHECK(sh.run("wait 11") == kStatusNotFound);
  CHECK(sh.system.diagnostics == "sh: wait: 11: not a background job of this shell\n");
  CHECK(sh.run("wait 10") == 0);
}

TEST_CASE("sh run: more background jobs than the table holds are waited for at once") {
  Shell sh;
  std::string text;
  for (usize i = 0; i <= kMaxBackground; ++i) text += "a & ";
  CHECK(sh.run(text) == 0);
  CHECK(sh.executor->background_jobs() == kMaxBackground);
  CHECK(sh.system.diagnostics.find("too many background jobs") != std::string::npos);
}

TEST_CASE("sh run: a background and-or list runs in a copy of the shell; wait gives its status") {
  Shell sh;
  sh.executor->set_job_control(true);
  sh.system.status_of["/bin/fail"] = 4;
  CHECK(sh.run("a && fail || b &") == 0);  // at once: the copy is the job
  // The copy runs the list on $?: a, then fail (a succeeded), then b (fail failed); its
  // pipelines stay in its group and never take the terminal.
  CHECK(sh.system.log == Log{"fork 10", "spawn 11 /bin/a", "wait 11", "spawn 12 /bin/fail",
                             "wait 12", "spawn 13 /bin/b", "wait 13", "exit 10 0"});
  CHECK(sh.system.children.at(10).group == 10);
  CHECK(sh.system.children.at(11).group == kGroupShell);
  CHECK(sh.executor->background_jobs() == 1);
  CHECK(sh.run("a && fail &") == 0);
  CHECK(sh.run("wait 14") == 4);  // the list's status: its last pipeline's
  CHECK(sh.run("wait") == 0);
  CHECK(sh.executor->background_jobs() == 0);
  CHECK(sh.run("hello") == 0);  // job control is the shell's again
  CHECK(sh.system.started().back()->group == 17);
}

TEST_CASE("sh run: a background and-or list without fork is refused, nothing runs") {
  Shell sh;
  sh.system.no_fork = true;
  CHECK(sh.run("a && b &") == kStatusSyntax);
  CHECK(sh.system.children.empty());
  CHECK(sh.system.diagnostics == "sh: not supported yet: '&' after '&&' or '||' needs fork\n");
}

TEST_CASE("sh run: exit ends the shell with N or the last status, skipping the rest") {
  Shell sh;
  CHECK(sh.run("exit 3; a") == 3);
  CHECK(sh.executor->exit_requested());
  CHECK(sh.system.children.empty());

  Shell sh2;
  CHECK(sh2.run("false; exit") == 1);
  Shell sh3;
  CHECK(sh3.run("true && exit 7 || a") == 7);
  CHECK(sh3.system.children.size() == 1);
  Shell sh4;
  CHECK(sh4.run("exit x") == kStatusSyntax);
  CHECK(sh4.system.diagnostics == "sh: exit: x: a number is needed\n");
}

TEST_CASE("sh run: cd changes directory through the system; errors are status 1") {
  Shell sh;
  CHECK(sh.run("cd /tmp") == 0);
  CHECK(sh.system.cwd == "/tmp");
  CHECK(sh.run("cd") == 0);
  CHECK(sh.system.cwd == "/");
  CHECK(sh.run("cd /nope") == 1);
  CHECK(sh.system.diagnostics == "sh: cd: /nope: no such file\n");
  CHECK(sh.run("cd a b") == kStatusSyntax);
}

TEST_CASE("sh run: a built-in in a pipeline is refused, not run") {
  Shell sh;
  CHECK(sh.run("cd /tmp | a") == kStatusSyntax);
  CHECK(sh.system.cwd == "/");
  CHECK(sh.system.children.empty());
}

TEST_CASE("sh run: a built-in's redirections apply to the shell for it, then are undone") {
  Shell sh;
  auto before = sh.system.fds;
  CHECK(sh.run("cd /tmp >f 2>&1") == 0);
  CHECK(sh.system.cwd == "/tmp");
  CHECK(sh.system.files.count("f") == 1);  // opened before cd ran
  // 1 and 2 saved at 10 and 11, f opened and moved to 1, 2 made a copy of it; then undone.
  CHECK(sh.system.log == Log{"dup2 1 10", "open f", "dup2 3 1", "close 3", "dup2 2 11", "dup2 1 2",
                             "chdir /tmp", "dup2 11 2", "close 11", "dup2 10 1", "close 10"});
  CHECK(sh.system.fds == before);
  // A descriptor the shell did not have is closed again; exit still ends the shell.
  CHECK(sh.run("exit 3 5>g") == 3);
  CHECK(sh.executor->exit_requested());
  CHECK(sh.system.fds == before);
}

TEST_CASE("sh run: a built-in whose redirection fails does not run") {
  Shell sh;
  auto before = sh.system.fds;
  CHECK(sh.run("cd /tmp >/nope/f") == 1);
  CHECK(sh.system.cwd == "/");
  CHECK(sh.system.diagnostics == "sh: open: /nope/f: no such file\n");
  CHECK(sh.run("cd /tmp 2>&7") == 1);
  CHECK(sh.system.cwd == "/");
  CHECK(sh.system.fds == before);
}

TEST_CASE("sh run: assignments set variables that later words expand") {
  Shell sh;
  CHECK(sh.run("A=1 B=\"$A two\"; hello $B") == 0);
  CHECK(sh.system.started()[0]->argv == std::vector<std::string>{"hello", "1 two"});
  CHECK(sh.run("A=1 hello") == kStatusSyntax);
}

TEST_CASE("sh run: without pipe, open or spawn actions: 'not supported yet', no crash") {
  Shell sh;
  sh.system.no_pipe = true;
  sh.system.no_actions = true;
  sh.system.no_chdir = true;
  CHECK(sh.run("a | b") == 1);
  CHECK(sh.run("a >f") == kStatusCannotRun);
  CHECK(sh.run("cd /") == 1);
  CHECK(sh.system.diagnostics ==
        "sh: not supported yet: pipes need the pipe system call\n"
        "sh: not supported yet: redirections need spawn with descriptors (or fork, open and "
        "dup2)\n"
        "sh: not supported yet: cd needs the chdir system call\n");
  CHECK(sh.system.children.empty());
  CHECK(sh.run("a && b") == 0);  // what needs none of them still runs
}

TEST_CASE("sh run: a syntax error is reported with its column and runs nothing") {
  Shell sh;
  CHECK(sh.run("a; b | | c") == kStatusSyntax);
  CHECK(sh.system.diagnostics == "sh: syntax error at 8: expected a command after '|'\n");
  CHECK(sh.system.children.empty());
  CHECK(sh.var("?") == "2");
}

TEST_CASE("sh run: too many arguments for one command is an error, not an overflow") {
  Shell sh;
  std::string text = "a";
  for (usize i = 0; i < kMaxArgv; ++i) text += " x";
  CHECK(sh.run(text) == kStatusSyntax);
  CHECK(sh.system.children.empty());
  CHECK(sh.system.diagnostics == "sh: too many arguments (at most 32)\n");
  REQUIRE(sh.variables.set("L", std::string(200, 'x').c_str()));
  std::string longer = "a";
  for (usize i = 0; i < 24; ++i) longer += " $L";
  CHECK(sh.run(longer) == kStatusSyntax);
  CHECK(sh.system.diagnostics.find("too long after expansion") != std::string::npos);
}

TEST_CASE("sh script: lines are read through the system, in chunks, and run in order") {
  Shell sh;
  sh.system.files["/s"] = "a\n# comment\nfalse || b; echo_missing\n\nc 'x\ny' |\n b\n";
  auto fd = sh.system.open("/s", kOpenRead);
  REQUIRE(fd.ok());
  CHECK(sh.executor->run_script(fd.value()) == 0);
  std::vector<std::string> paths;
  for (auto* c : sh.system.started()) paths.push_back(c->path);
  CHECK(paths == std::vector<std::string>{"/bin/a", "/bin/false", "/bin/b", "/bin/c", "/bin/b"});
  CHECK(sh.system.started()[3]->argv[1] == "x\ny");
  CHECK(sh.system.diagnostics == "sh: echo_missing: command not found\n");
}

TEST_CASE(
    "sh script: a syntax error skips its line; exit stops; an open quote at the end "
    "is an error") {
  Shell sh;
  sh.system.read_chunk = 1;
  sh.system.files["/s"] = "a | | b\nc\nexit 4\nd\n";
  CHECK(sh.executor->run_script(sh.system.open("/s", kOpenRead).value()) == 4);
  CHECK(sh.system.children.size() == 1);
  CHECK(sh.system.diagnostics == "sh: syntax error at 5: expected a command after '|'\n");

  Shell sh2;
  sh2.system.files["/s"] = "a\necho 'open";
  CHECK(sh2.executor->run_script(sh2.system.open("/s", kOpenRead).value()) == kStatusSyntax);
  CHECK(sh2.system.diagnostics == "sh: syntax error at 6: unterminated single quote\n");
}

TEST_CASE("sh script: a read error is reported; a too long command is skipped") {
  Shell sh;
  CHECK(sh.executor->run_script(0) == kStatusSyntax);  // the fake's tty cannot be read
  CHECK(sh.system.diagnostics ==
        "sh: not supported yet: reading commands needs the read system call\n");
  Shell sh2;
  sh2.system.read_chunk = 1000;
  sh2.system.files["/s"] = std::string(kMaxInput + 10, 'x') + "\na\n";
  CHECK(sh2.executor->run_script(sh2.system.open("/s", kOpenRead).value()) == 0);
  CHECK(sh2.system.diagnostics.find("longer than 4096 bytes; skipped") != std::string::npos);
  CHECK(sh2.system.diagnostics.find("command not found") == std::string::npos);
  CHECK(sh2.system.started().back()->path == "/bin/a");
}

TEST_CASE("sh jobs: without job control every child stays in the shell's group") {
  Shell sh;
  CHECK(sh.run("a | b; c &") == 0);
  for (auto* c : sh.system.started()) CHECK(c->group == kGroupShell);
  for (auto& line : sh.system.log) CHECK(line.rfind("foreground", 0) != 0);
}

TEST_CASE("sh jobs: a pipeline is one group, led by its first stage, foreground while waited") {
  Shell sh;
  sh.executor->set_job_control(true);
  CHECK(sh.run("a | b | c") == 0);
  auto started = sh.system.started();
  REQUIRE(started.size() == 3);
  for (auto* c : started) CHECK(c->group == 10);
  // The terminal goes to the group as soon as its leader exists, and back after the last wait.
  CHECK(sh.system.log == Log{"pipe 3 4", "spawn 10 /bin/a", "close 4", "foreground 10", "pipe 4 5",
                             "spawn 11 /bin/b", "close 3", "close 5", "spawn 12 /bin/c", "close 4",
                             "wait 10", "wait 11", "wait 12", "foreground 0"});
  CHECK(sh.run("hello") == 0);
  CHECK(sh.system.started().back()->group == 13);  // the next pipeline: a new group
}

TEST_CASE("sh jobs: a background pipeline gets a group but never the terminal") {
  Shell sh;
  sh.executor->set_job_control(true);
  CHECK(sh.run("a | b &") == 0);
  CHECK(sh.system.started()[0]->group == 10);
  CHECK(sh.system.started()[1]->group == 10);
  for (auto& line : sh.system.log) CHECK(line.rfind("foreground", 0) != 0);
}

TEST_CASE("sh jobs: a system without job control says so and still runs the pipeline") {
  Shell sh;
  sh.executor->set_job_control(true);
  sh.system.no_job_control = true;
  CHECK(sh.run("a") == 0);
  CHECK(sh.system.diagnostics ==
        "sh: not supported yet: job control needs setpgid and tty_set_foreground\n");
  CHECK(sh.system.children.at(10).waited);
}

TEST_CASE("sh interactive: a prompt per command, a continuation prompt per open line") {
  Shell sh;
  sh.system.line_at_a_time = true;
  sh.system.read_chunk = 1000;
  sh.system.files["/tty"] = "a\necho 'x\ny'\nb |\n\nc\n\nexit 3\nd\n";
  CHECK(sh.executor->run_script(sh.system.open("/tty", kOpenRead).value(), true) == 3);
  // a, echo 'x (open) y', b | (open) (blank: still open) c, blank, exit.
  CHECK(sh.system.prompts == "$$>$>>$$");
  std::vector<std::string> paths;
  for (auto* c : sh.system.started()) paths.push_back(c->path);
  CHECK(paths == std::vector<std::string>{"/bin/a", "/bin/b", "/bin/c"});
  CHECK(sh.system.diagnostics == "sh: echo: command not found\n");
}

TEST_CASE("sh interactive: end of input ends the shell with the last status") {
  Shell sh;
  sh.system.line_at_a_time = true;
  sh.system.files["/tty"] = "false\n";
  CHECK(sh.executor->run_script(sh.system.open("/tty", kOpenRead).value(), true) == 1);
  CHECK(sh.system.prompts == "$$");
}
