// Death tests: run code that must fail a VERIFY/DEBUG_ASSERT (which aborts on the host,
// libk/src/host/verify_failed.cpp) in a forked child, and check how the child ended and
// what it wrote to stderr.
//
//   CHECK_DIES_WITH(list.remove(node), "VERIFY(n->linked())");
#pragma once

#include <signal.h>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace test {

struct Death {
  bool aborted = false;  // the child ended by SIGABRT (a failed check), not by returning
  std::string stderr_text;
};

// Runs `body` in a child process. A child that returns from `body` exits with status 0.
template <typename F>
Death run_in_child(F&& body) {
  int fds[2];
  if (pipe(fds) != 0) return {};
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    dup2(fds[1], STDERR_FILENO);
    body();
    _exit(0);
  }
  close(fds[1]);
  Death d;
  char buffer[512];
  for (ssize_t n; (n = read(fds[0], buffer, sizeof(buffer))) > 0;) d.stderr_text.append(buffer, n);
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  d.aborted = WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
  return d;
}

}  // namespace test

// The statement fails a check whose report contains `expected` (e.g. "VERIFY(has_)").
#define CHECK_DIES_WITH(statement, expected)                         \
  do {                                                               \
    ::test::Death death_ = ::test::run_in_child([&] { statement; }); \
    INFO("child's stderr: " << death_.stderr_text);                  \
    CHECK(death_.aborted);                                           \
    CHECK(death_.stderr_text.find(expected) != std::string::npos);   \
  } while (0)
