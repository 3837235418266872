// Who may change the terminal (libk/tty_control.hpp): the session, the foreground group, the
// process that chose it; not a background job, and nobody while the kernel shell has it.
#include <catch2/catch.hpp>

#include <libk/tty_control.hpp>

using libk::tty::Control;

namespace {

// The kernel shell runs sh (pid 10, its own group); sh's job control gives groups away.
Control with_shell() {
  Control c;
  c.hand_to(10);
  return c;
}

}  // namespace

TEST_CASE("tty control: while the kernel shell holds the terminal, no process may change it") {
  Control c;
  CHECK_FALSE(c.may_change(5, 5));
  CHECK_FALSE(c.may_change(7, 3));
}

TEST_CASE("tty control: the session's group may, a background job may not") {
  Control c = with_shell();
  CHECK(c.may_change(10, 10));
  CHECK(c.may_change(11, 10));        // `sh FILE`: its commands stay in its group
  CHECK_FALSE(c.may_change(20, 20));  // `loop &`: a group of its own, never the terminal's
}

TEST_CASE("tty control: the foreground job may, until the shell takes the terminal back") {
  Control c = with_shell();
  c.choose_foreground(30, 10);  // sh runs `ttytest raw` as the job led by 30
  CHECK(c.may_change(30, 30));
  CHECK(c.may_change(31, 30));        // another stage of the same pipeline
  CHECK_FALSE(c.may_change(20, 20));  // a background job still may not
  c.choose_foreground(0, 10);         // the job ended: the prompt again
  CHECK_FALSE(c.may_change(30, 30));
  CHECK(c.may_change(10, 10));
}

TEST_CASE("tty control: a shell running as a job starts its own jobs and takes the terminal back") {
  Control c = with_shell();
  c.choose_foreground(40, 10);  // the outer sh runs an inner interactive sh, pid 40
  REQUIRE(c.may_change(40, 40));
  c.choose_foreground(0, 40);     // the inner sh at its prompt
  REQUIRE(c.may_change(40, 40));  // it chose last: it is the controller
  c.choose_foreground(50, 40);    // its job
  CHECK(c.may_change(40, 40));
  CHECK(c.may_change(50, 50));
  CHECK_FALSE(c.may_change(60, 60));  // the inner sh's background job
  c.choose_foreground(0, 40);
  CHECK(c.may_change(40, 40));
}

TEST_CASE("tty control: the kernel shell taking the terminal back leaves nobody holding it") {
  Control c = with_shell();
  c.choose_foreground(30, 10);
  c.hand_to(0);
  CHECK(c.session == 0);
  CHECK(c.foreground == 0);
  CHECK(c.controller == 0);
  CHECK_FALSE(c.may_change(10, 10));  // an orphaned job left by sh, too
}

TEST_CASE("tty control: who may read: as who may change, and anyone while nobody holds it") {
  Control c;
  CHECK(c.may_read(5, 5));  // the kernel's own tests run programs without the shell
  c.hand_to(10);
  CHECK(c.may_read(10, 10));
  CHECK_FALSE(c.may_read(20, 20));  // `cat &` would take the shell's next line
  c.choose_foreground(20, 10);      // until it is the foreground job
  CHECK(c.may_read(20, 20));
}
