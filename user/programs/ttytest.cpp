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

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && ember::streq(argv[1], "size")) return size();
  if (argc >= 2 && ember::streq(argv[1], "raw")) return raw(ember::parse_count(argv[2], 4));
  if (argc >= 2 && ember::streq(argv[1], "mode")) return mode();
  if (argc >= 2 && ember::streq(argv[1], "errors")) return errors();
  if (argc >= 2 && ember::streq(argv[1], "groups")) return groups();
  ember::print("usage: ttytest size | raw N | mode | errors | groups\n");
  return 2;
}
