// ttytest: the terminal and process-group calls from ring 3 (docs/shell.md). Each mode prints
// "ttytest: ..." lines that tests/qemu/user_tests.py reads back from serial.
//
//   ttytest size        winsize on descriptor 0: "ttytest: rows R columns C"
//   ttytest raw N       raw mode, then reads until N bytes came and prints them in hex
//                       ("ttytest: raw bytes 61 03 0d"); exits without setting canonical
//                       mode back (the kernel does, as the process ends)
//   ttytest mode        "ttytest: mode M": the mode now (0 canonical, 1 raw)
//   ttytest errors      bad descriptors, modes and pids get their errors
//   ttytest groups      fork + setpgid: a child leads a new group, a grandchild inherits
//                       it, proc_list shows both; the caller's group is unchanged
//   ttytest background  run as a foreground job: children in groups of their own
//                       (background jobs) asking for raw mode or for the terminal wait
//                       until killed, and the mode is unchanged; the caller may change it
//   ttytest background-read
//                       run as a foreground job: a child in a group of its own reads the
//                       terminal; the line typed next ("ttytest: type a line") comes to
//                       the caller, and the child's read waits until it is killed
#include "ember.hpp"

namespace {

using abi::Error;

constinit u32 failures = 0;

void check(bool ok, const char* what, i64 got) {
  if (ok) return;
  ++failures;
  ember::print("ttytest: FAIL ");
  ember::print(what);
  ember::print(" (got ");
  ember::print_i64(got);
  ember::print(")\n");
}

void expect(i64 got, Error want, const char* what) { check(got == i64(want), what, got); }

int finish(const char* what) {
  ember::print("ttytest: ");
  ember::print(what);
  ember::print(failures == 0 ? " ok\n" : " FAILED\n");
  return failures == 0 ? 0 : 1;
}

int size() {
  abi::WinSize ws{};
  i64 r = ember::winsize(0, &ws);
  if (r < 0) {
    ember::print_error("ttytest", "winsize", r);
    return 1;
  }
  ember::print("ttytest: rows ");
  ember::print_u64(ws.rows);
  ember::print(" columns ");
  ember::print_u64(ws.columns);
  ember::print("\n");
  return ws.rows > 0 && ws.columns > 0 ? 0 : 1;
}

void hex_byte(u8 b) {
  const char* digits = "0123456789abcdef";
  char out[3] = {' ', digits[b >> 4], digits[b & 15]};
  ember::write_all(1, out, 3);
}

int raw(u64 want) {
  i64 old = ember::tty_mode(0, abi::kTtyRaw);
  check(old == i64(abi::kTtyCanonical), "raw: the previous mode", old);
  ember::print("ttytest: raw mode, type ");
  ember::print_u64(want);
  ember::print(" bytes\n");
  u8 bytes[64];
  u64 got = 0;
  if (want > sizeof(bytes)) want = sizeof(bytes);
  while (got < want) {
    i64 n = ember::read(0, bytes + got, want - got);
    if (n <= 0) {
      ember::print_error("ttytest", "read", n);
      return 1;
    }
    got += u64(n);
  }
  ember::print("ttytest: raw bytes");
  for (u64 i = 0; i < got; ++i) hex_byte(bytes[i]);
  ember::print("\n");
  return failures == 0 ? 0 : 1;
}

int mode() {
  i64 now = ember::tty_mode(0, abi::kTtyCanonical);
  ember::print("ttytest: mode ");
  ember::print_i64(now);
  ember::print("\n");
  return now >= 0 ? 0 : 1;
}

int errors() {
  abi::WinSize ws{};
  expect(ember::winsize(9, &ws), Error::BadDescriptor, "winsize on a closed descriptor");
  expect(ember::winsize(0, nullptr), Error::Fault, "winsize into a null pointer");
  expect(ember::tty_mode(0, 7), Error::Invalid, "an unknown mode");
  expect(ember::tty_mode(12, abi::kTtyRaw), Error::BadDescriptor, "tty_mode on a closed fd");
  expect(ember::tty_set_foreground(0, 999999), Error::NoProcess, "foreground: no such group");
  expect(ember::setpgid(999999, 0), Error::NoProcess, "setpgid of no such process");
  expect(ember::setpgid(1LL << 40, 0), Error::NoProcess, "setpgid of a pid out of range");
  expect(ember::setpgid(0, 999999), Error::NotPermitted, "setpgid into no such group");
  expect(ember::proc_list(reinterpret_cast<abi::ProcEntry*>(8), 4), Error::Fault,
         "proc_list into unmapped memory");
  check(ember::proc_list(nullptr, 0) >= 1, "proc_list counts the caller", 0);
  return finish("errors");
}

const abi::ProcEntry* find(const abi::ProcEntry* entries, i64 n, i64 pid) {
  for (i64 i = 0; i < n; ++i)
    if (entries[i].pid == u64(pid)) return &entries[i];
  return nullptr;
}

// A child leads a group of its own; its child (a grandchild) inherits it.
int groups() {
  static abi::ProcEntry entries[64];
  i64 me = ember::getpid();
  i64 child = ember::fork();
  if (child == 0) {
    check(ember::setpgid(0, 0) == 0, "setpgid(0, 0) in the child", 0);
    // Listed whether it runs or ended: a zombie keeps its group until it is waited for.
    i64 grandchild = ember::fork();
    if (grandchild == 0) ember::exit(0);
    i64 n = ember::proc_list(entries, 64);
    const abi::ProcEntry* g = find(entries, n, grandchild);
    check(g && g->pgid == u64(ember::getpid()), "the grandchild inherits the group",
          g ? g->pgid : -1);
    i64 st = -1;
    ember::wait(grandchild, &st);
    ember::exit(failures == 0 ? 0 : 1);
  }
  check(child > 0, "fork", child);
  check(ember::setpgid(child, child) == 0, "setpgid(child, child) in the parent", 0);
  i64 n = ember::proc_list(entries, 64);
  const abi::ProcEntry* c = find(entries, n, child);
  const abi::ProcEntry* self = find(entries, n, me);
  check(c && c->pgid == u64(child) && c->ppid == u64(me), "the child leads its group",
        c ? c->pgid : -1);
  check(self && self->pgid != u64(child) && ember::streq(self->name, "ttytest"),
        "the parent's group and name", self ? self->pgid : -1);
  i64 status = -1;
  ember::wait(child, &status);
  check(status == 0, "the child's checks", status);
  return finish("groups");
}

// A background job may not change the terminal: raw mode would make Ctrl-C a byte under the
// foreground program (docs/shell.md, "Who may change the terminal"). Its call waits instead,
// as POSIX stops it (SIGTTOU), until it is ended: two children in groups of their own, one
// asking for raw mode and one for the terminal, each saying so through a pipe first; the
// mode stays canonical, and a kill ends both calls (were one allowed, its child would exit 3).
i64 background_child(int signal, bool raw_mode) {
  i64 pid = ember::fork();
  if (pid != 0) return pid;
  if (ember::setpgid(0, 0) != 0) ember::exit(1);
  ember::write(signal, "x", 1);
  if (raw_mode)
    ember::tty_mode(0, abi::kTtyRaw);
  else
    ember::tty_set_foreground(0, ember::getpid());
  ember::exit(3);
}

int background() {
  int fds[2];
  check(ember::pipe(fds) == 0, "pipe", 0);
  i64 children[] = {background_child(fds[1], true), background_child(fds[1], false)};
  check(children[0] > 0 && children[1] > 0, "fork", children[0]);
  char said[2];
  check(ember::read(fds[0], said, 1) == 1 && ember::read(fds[0], said + 1, 1) == 1,
        "both children about to call", 0);
  for (int i = 0; i < 50; ++i) ember::yield();  // time to reach the call (and, if allowed, end)
  i64 was = ember::tty_mode(0, abi::kTtyCanonical);
  check(was == i64(abi::kTtyCanonical), "the mode with the children waiting (canonical)", was);
  for (i64 child : children) {
    ember::kill(child);
    i64 status = -1;
    ember::wait(child, &status);
    check(status == abi::kStatusKilled, "a background child's call waits until it is killed",
          status);
  }
  return finish("background");
}

// A background job that reads the terminal waits (POSIX stops it with SIGTTIN), so the line
// typed goes to the foreground job, not to whichever reader asked first.
int background_read() {
  int fds[2];
  check(ember::pipe(fds) == 0, "pipe", 0);
  i64 child = ember::fork();
  if (child == 0) {
    if (ember::setpgid(0, 0) != 0) ember::exit(1);
    ember::write(fds[1], "x", 1);
    char line[64];
    ember::read(0, line, sizeof(line));
    ember::exit(3);
  }
  check(child > 0, "fork", child);
  char said;
  check(ember::read(fds[0], &said, 1) == 1, "the child about to read", 0);
  for (int i = 0; i < 50; ++i) ember::yield();  // time to reach its read, and wait there
  ember::print("ttytest: type a line\n");
  char line[64];
  i64 n = ember::read(0, line, sizeof(line));
  check(n > 0, "the caller read the line", n);
  ember::kill(child);
  i64 status = -1;
  ember::wait(child, &status);
  check(status == abi::kStatusKilled, "the background read waits until it is killed", status);
  ember::print("ttytest: got ");
  if (n > 0) ember::write_all(1, line, usize(n));
  return finish("background-read");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && ember::streq(argv[1], "size")) return size();
  if (argc >= 2 && ember::streq(argv[1], "raw")) return raw(ember::parse_count(argv[2], 4));
  if (argc >= 2 && ember::streq(argv[1], "mode")) return mode();
  if (argc >= 2 && ember::streq(argv[1], "errors")) return errors();
  if (argc >= 2 && ember::streq(argv[1], "groups")) return groups();
  if (argc >= 2 && ember::streq(argv[1], "background")) return background();
  if (argc >= 2 && ember::streq(argv[1], "background-read")) return background_read();
  ember::print(
      "usage: ttytest size | raw N | mode | errors | groups | background | background-read\n");
  return 2;
}
