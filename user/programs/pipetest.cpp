// pipetest: pipes checked from ring 3 (docs/pipes.md). Each check mode prints its failures and
// exits 0 only if all passed; without a mode it runs every check mode and prints
// "pipetest: all checks passed".
//
//   pipetest [all]        every check mode below
//   pipetest pattern      300,000 bytes of a known pattern to a forked child and to a spawned
//                         one, each checking every byte and the end of file
//   pipetest eof          end of file: write end closed, a writer that exits, a dup'd end
//   pipetest broken       BrokenPipe (not a kill) with no reader; the wrong ends refused
//   pipetest inherit      a forked child shares every pipe end, a spawned one those at 0-2
//   pipetest bad-args     bad pointers (Fault), a full table (TooManyFiles), lowest free
//                         descriptors, nothing left behind by a failed pipe()
//   pipetest pipeline [N] gen | cat | sum of N bytes (1 MiB) by spawn and dup2, and the same
//                         with forked stages; sum's checksum compared with the expected one
//   pipetest programs     wc, grep (-v, -c, exit statuses), head and tee (to a file in /tmp
//                         and to a descriptor) in pipelines
//   pipetest bench N      exit status: cycles per KiB moved through a pipe from this process
//                         to a forked reader, N writes of 64 KiB (bench.pipe.throughput)
//   Helpers the checks spawn: gen N, sum, read-fd FD N, write-fd FD PARENT_FD, and block-read /
//   block-write (block forever in a pipe; the kernel test kills them).
#include "ember.hpp"

namespace {

using abi::Error;

constexpr u64 kKernelAddress = 0xffff'8000'0000'0000ull;
constexpr u64 kNonCanonical = 0x0000'8000'0000'0000ull;
constexpr u64 kPatternBytes = 300'000;
constexpr u64 kPipelineBytes = 1024 * 1024;
constexpr usize kBlock = 64 * 1024;

constinit u32 failures = 0;

bool check(bool ok, const char* what, i64 got = 0) {
  if (ok) return true;
  ++failures;
  ember::print("pipetest: FAIL ");
  ember::print(what);
  ember::print(" (got ");
  ember::print_i64(got);
  ember::print(")\n");
  return false;
}

u64 opaque(u64 v) {
  asm volatile("" : "+r"(v));
  return v;
}

u8 pattern(u64 i) { return u8((i * 131) ^ (i >> 9)); }

// FNV-1a, 64 bits: order matters, so a reordered or lost chunk changes it.
constexpr u64 kFnvStart = 0xcbf29ce484222325ull;
u64 fnv(u64 h, const u8* p, usize n) {
  for (usize i = 0; i < n; ++i) h = (h ^ p[i]) * 0x100000001b3ull;
  return h;
}

u8 chunk[kBlock];

// Writes n pattern bytes in sizes that vary from 1 byte to past a page.
bool write_pattern(int fd, u64 n) {
  u64 done = 0;
  for (u64 step = 0; done < n; ++step) {
    u64 size = (step * 2749) % 9000 + 1;
    if (size > n - done) size = n - done;
    for (u64 i = 0; i < size; ++i) chunk[i] = pattern(done + i);
    if (!ember::write_all(fd, chunk, size)) return false;
    done += size;
  }
  return true;
}

// Reads to the end of file: exactly n bytes, each the pattern's.
bool read_pattern(int fd, u64 n) {
  u64 got = 0;
  for (u64 step = 0;; ++step) {
    i64 r = ember::read(fd, chunk, (step * 1571) % 12000 + 1);
    if (r < 0) return false;
    if (r == 0) return got == n;
    for (i64 i = 0; i < r; ++i)
      if (chunk[i] != pattern(got + u64(i))) return false;
    got += u64(r);
  }
}

i64 wait_status(i64 pid) {
  i64 status = -1000;
  i64 r = ember::wait(pid, &status);
  return r < 0 ? r : status;
}

void format_u64(char* out, u64 v) {
  char digits[24];
  int n = 0;
  do digits[n++] = char('0' + v % 10);
  while ((v /= 10) != 0);
  for (int i = 0; i < n; ++i) out[i] = digits[n - 1 - i];
  out[n] = 0;
}

i64 spawn_self(const char* const* argv) { return ember::spawn("/bin/pipetest", argv); }

// --- pattern --------------------------------------------------------------------------------

void pattern_to_forked_child() {
  int fds[2];
  if (!check(ember::pipe(fds) == 0, "pipe for the forked reader")) return;
  i64 pid = ember::fork();
  if (pid == 0) {
    ember::close(fds[1]);
    ember::exit(read_pattern(fds[0], kPatternBytes) ? 0 : 1);
  }
  ember::close(fds[0]);
  check(pid > 0, "fork", pid);
  check(write_pattern(fds[1], kPatternBytes), "writing the pattern to the forked child");
  ember::close(fds[1]);
  i64 status = wait_status(pid);
  check(status == 0, "the forked child read every byte, then the end of file", status);
}

// Spawn passes on descriptors 0-2 only: the read end goes to 0 for the child, and the write
// end, higher up, stays here (else the child would hold a write end and never see EOF).
void pattern_to_spawned_child() {
  int fds[2];
  if (!check(ember::pipe(fds) == 0, "pipe for the spawned reader")) return;
  char n[24];
  format_u64(n, kPatternBytes);
  const char* argv[] = {"pipetest", "read-fd", "0", n, nullptr};
  ember::dup2(0, 14);
  ember::dup2(fds[0], 0);
  ember::close(fds[0]);
  i64 pid = spawn_self(argv);
  ember::dup2(14, 0);
  ember::close(14);
  check(pid > 0, "spawn of the reader", pid);
  check(write_pattern(fds[1], kPatternBytes), "writing the pattern to the spawned child");
  ember::close(fds[1]);
  i64 status = wait_status(pid);
  check(status == 0, "the spawned child read every byte from its inherited end", status);
}

// --- eof ------------------------------------------------------------------------------------

void end_of_file() {
  int fds[2];
  char c;
  if (!check(ember::pipe(fds) == 0, "pipe")) return;
  check(ember::write(fds[1], "ab", 2) == 2, "write");
  ember::close(fds[1]);
  check(ember::read(fds[0], &c, 1) == 1 && c == 'a', "the bytes before the end of file");
  check(ember::read(fds[0], &c, 1) == 1 && c == 'b', "the last byte");
  check(ember::read(fds[0], &c, 1) == 0, "end of file once the write end closed");
  check(ember::read(fds[0], &c, 1) == 0, "end of file again");
  ember::close(fds[0]);
  // A writer that exits: its end closes with it.
  if (!check(ember::pipe(fds) == 0, "pipe")) return;
  i64 pid = ember::fork();
  if (pid == 0) {
    ember::write(fds[1], "xyz", 3);
    ember::exit(0);
  }
  ember::close(fds[1]);
  char buffer[8];
  u64 got = 0;
  for (i64 n; (n = ember::read(fds[0], buffer + got, sizeof(buffer) - got)) > 0;) got += u64(n);
  check(got == 3 && buffer[0] == 'x' && buffer[2] == 'z', "a child's bytes, then its exit's EOF");
  check(wait_status(pid) == 0, "the writer's status");
  ember::close(fds[0]);
  // A duplicate of the write end keeps the pipe open until it closes too.
  if (!check(ember::pipe(fds) == 0, "pipe")) return;
  check(ember::dup2(fds[1], 9) == 9, "dup2 of the write end");
  ember::close(fds[1]);
  check(ember::write(9, "q", 1) == 1, "a write through the duplicate");
  check(ember::read(fds[0], &c, 1) == 1 && c == 'q', "read while the duplicate is open");
  ember::close(9);
  check(ember::read(fds[0], &c, 1) == 0, "EOF after the last duplicate closed");
  ember::close(fds[0]);
}

// --- broken ---------------------------------------------------------------------------------

void broken_pipe() {
  int fds[2];
  char c = 'x';
  if (!check(ember::pipe(fds) == 0, "pipe")) return;
  check(ember::read(fds[1], &c, 1) == i64(Error::BadDescriptor), "read of the write end");
  check(ember::write(fds[0], &c, 1) == i64(Error::BadDescriptor), "write to the read end");
  ember::close(fds[0]);
  i64 w = ember::write(fds[1], &c, 1);
  check(w == i64(Error::BrokenPipe), "write with no reader is BrokenPipe", w);
  w = ember::write(fds[1], chunk, sizeof(chunk));
  check(w == i64(Error::BrokenPipe), "and again, 64 KiB", w);
  ember::close(fds[1]);
  // A reader that takes up to 10 bytes and exits, while the writer goes on (blocked on a
  // full pipe, or not yet: either way its writes end with BrokenPipe).
  if (!check(ember::pipe(fds) == 0, "pipe")) return;
  i64 pid = ember::fork();
  if (pid == 0) {
    ember::close(fds[1]);
    char ten[10];
    ember::exit(ember::read(fds[0], ten, 10) > 0 ? 0 : 1);
  }
  ember::close(fds[0]);
  u64 written = 0;
  for (;;) {
    w = ember::write(fds[1], chunk, 4096);
    if (w <= 0) break;
    written += u64(w);
  }
  check(w == i64(Error::BrokenPipe), "the writer got BrokenPipe once the reader exited", w);
  check(written > 0, "the writer's bytes before the reader left", i64(written));
  check(wait_status(pid) == 0, "the reader's status");
  ember::close(fds[1]);
}

// --- inherit --------------------------------------------------------------------------------

void inherit() {
  int fds[2];
  char buffer[16] = {};
  if (!check(ember::pipe(fds) == 0, "pipe")) return;
  i64 pid = ember::fork();
  if (pid == 0) ember::exit(ember::write(fds[1], "fork", 4) == 4 ? 0 : 1);
  check(wait_status(pid) == 0, "a forked child wrote through the same descriptor");
  check(ember::read(fds[0], buffer, sizeof(buffer)) == 4 && buffer[0] == 'f', "its bytes");
  // spawn: the write end as the child's standard output; its number here is not passed on.
  char w[24];
  format_u64(w, u64(fds[1]));
  const char* argv[] = {"pipetest", "write-fd", "1", w, nullptr};
  ember::dup2(1, 15);
  ember::dup2(fds[1], 1);
  pid = spawn_self(argv);
  ember::dup2(15, 1);
  ember::close(15);
  check(pid > 0 && wait_status(pid) == 0, "a spawned child wrote to its standard output only", pid);
  check(ember::read(fds[0], buffer, sizeof(buffer)) == 5 && buffer[0] == 's', "its bytes");
  // The children closed their copies (exit); the parent's ends still work.
  check(
      ember::write(fds[1], "p", 1) == 1 && ember::read(fds[0], buffer, 1) == 1 && buffer[0] == 'p',
      "the parent's ends after its children closed theirs");
  ember::close(fds[0]);
  ember::close(fds[1]);
}

// --- bad-args -------------------------------------------------------------------------------

// The lowest descriptor free now: dup2(fd, fd) changes nothing, and fails only if fd is free.
int lowest_free() {
  for (int fd = 0; fd < int(abi::kMaxFiles); ++fd)
    if (ember::dup2(fd, fd) == i64(Error::BadDescriptor)) return fd;
  return -1;
}

void bad_arguments() {
  int before = lowest_free();
  const u64 bad[] = {0,
                     kKernelAddress,
                     kNonCanonical,
                     0x1000,
                     kKernelAddress - 4,
                     reinterpret_cast<u64>(&bad_arguments)};  // the last: read-only code
  for (u64 address : bad) {
    i64 r = ember_syscall(u64(abi::Syscall::Pipe), opaque(address));
    check(r == i64(Error::Fault), "pipe() at a bad address is Fault", r);
    check(lowest_free() == before, "no descriptor left behind by a failed pipe()");
  }
  // Lowest free descriptors, not the next ones.
  int a[2], b[2];
  if (!check(ember::pipe(a) == 0, "pipe")) return;
  check(a[0] == before && a[1] == before + 1, "pipe takes the two lowest free", a[0]);
  ember::close(a[0]);
  if (check(ember::pipe(b) == 0, "pipe")) {
    check(b[0] == a[0] && b[1] == a[1] + 1, "pipe fills a gap first", b[1]);
    ember::close(b[0]);
    ember::close(b[1]);
  }
  ember::close(a[1]);
  // A full table, and a table with one free slot: TooManyFiles, nothing taken.
  int filled[abi::kMaxFiles];
  int n = 0;
  for (int fd = before; fd < int(abi::kMaxFiles); ++fd)
    if (ember::dup2(0, fd) == fd) filled[n++] = fd;
  i64 r = ember::pipe(a);
  check(r == i64(Error::TooManyFiles), "pipe with a full table", r);
  ember::close(filled[--n]);
  r = ember::pipe(a);
  check(r == i64(Error::TooManyFiles), "pipe with one free descriptor", r);
  check(lowest_free() == filled[n], "the one free descriptor is still free", lowest_free());
  while (n > 0) ember::close(filled[--n]);
  check(lowest_free() == before, "the table as it was");
}

// --- pipeline -------------------------------------------------------------------------------

u64 expected_checksum(u64 n) {
  u64 h = kFnvStart;
  for (u64 i = 0; i < n; ++i) {
    u8 b = pattern(i);
    h = fnv(h, &b, 1);
  }
  return h;
}

// gen N: N pattern bytes to standard output, in 64 KiB writes.
int gen(u64 n) {
  for (u64 done = 0; done < n;) {
    u64 size = n - done < kBlock ? n - done : kBlock;
    for (u64 i = 0; i < size; ++i) chunk[i] = pattern(done + i);
    if (!ember::write_all(1, chunk, size)) return 1;
    done += size;
  }
  return 0;
}

// sum: standard input to its end; prints "BYTES CHECKSUM" (decimal, hexadecimal).
int sum() {
  u64 h = kFnvStart, bytes = 0;
  for (;;) {
    i64 n = ember::read(0, chunk, sizeof(chunk));
    if (n < 0) return 1;
    if (n == 0) break;
    h = fnv(h, chunk, usize(n));
    bytes += u64(n);
  }
  ember::print_u64(bytes);
  ember::print(" ");
  ember::print_hex(h);
  ember::print("\n");
  return 0;
}

// Reads sum's line from `fd` and compares it with what n pattern bytes give.
void check_sum_line(int fd, u64 n, const char* what) {
  char line[64] = {};
  usize got = 0;
  for (i64 r;
       got < sizeof(line) - 1 && (r = ember::read(fd, line + got, sizeof(line) - 1 - got)) > 0;)
    got += usize(r);
  char expected[64];
  format_u64(expected, n);
  usize len = ember::strlen(expected);
  expected[len++] = ' ';
  // print_hex's form: 0x and the digits.
  u64 h = expected_checksum(n);
  const char* hex = "0123456789abcdef";
  expected[len++] = '0', expected[len++] = 'x';
  int digits = 1;
  while (digits < 16 && (h >> (4 * digits)) != 0) ++digits;
  for (int d = digits - 1; d >= 0; --d) expected[len++] = hex[(h >> (4 * d)) & 15];
  expected[len++] = '\n';
  expected[len] = 0;
  bool same = got == len;
  for (usize i = 0; same && i < len; ++i) same = line[i] == expected[i];
  if (!check(same, what, i64(got))) {
    ember::print("pipetest:   got: ");
    ember::write(1, line, got);
    ember::print("pipetest:   expected: ");
    ember::print(expected);
  }
}

// Spawns argv with `in` (unless -1) as its standard input and `out` as its standard output,
// each moved there by dup2 so that the child inherits them at 0 and 1, and closed here after.
// Descriptors 14 and 15 hold the console's 0 and 1 meanwhile.
i64 spawn_stage(const char* path, const char* const* argv, int in, int out) {
  if (in >= 0) ember::dup2(in, 0);
  ember::dup2(out, 1);
  if (in >= 0) ember::close(in);
  ember::close(out);
  i64 pid = ember::spawn(path, argv);
  ember::dup2(14, 0);
  ember::dup2(15, 1);
  return pid;
}

// Each pipe is made just before the stage that writes it, so that earlier stages do not
// inherit its ends (a stray write end would keep its reader from ever seeing the end of file).
void spawned_pipeline(u64 n) {
  ember::dup2(0, 14);
  ember::dup2(1, 15);
  char count[24];
  format_u64(count, n);
  const char* gen_argv[] = {"pipetest", "gen", count, nullptr};
  const char* cat_argv[] = {"cat", nullptr};
  const char* sum_argv[] = {"pipetest", "sum", nullptr};
  int p1[2], p2[2], p3[2];
  i64 gen_pid = -1, cat_pid = -1, sum_pid = -1;
  if (ember::pipe(p1) == 0) gen_pid = spawn_stage("/bin/pipetest", gen_argv, -1, p1[1]);
  if (ember::pipe(p2) == 0) cat_pid = spawn_stage("/bin/cat", cat_argv, p1[0], p2[1]);
  if (ember::pipe(p3) == 0) sum_pid = spawn_stage("/bin/pipetest", sum_argv, p2[0], p3[1]);
  if (check(gen_pid > 0 && cat_pid > 0 && sum_pid > 0, "pipes and spawns of gen, cat, sum")) {
    check_sum_line(p3[0], n, "gen | cat | sum: bytes and checksum");
    ember::close(p3[0]);
  }
  check(wait_status(gen_pid) == 0, "gen's status");
  check(wait_status(cat_pid) == 0, "cat's status");
  check(wait_status(sum_pid) == 0, "sum's status");
  ember::close(14);
  ember::close(15);
}

// A forked stage: `in` becomes 0 and `out` 1, every other pipe end is closed, then `body`.
i64 fork_stage(int in, int out, const int* close_fds, int n_close, int (*body)(u64), u64 arg) {
  i64 pid = ember::fork();
  if (pid != 0) return pid;
  if (in >= 0) ember::dup2(in, 0);
  if (out >= 0) ember::dup2(out, 1);
  for (int i = 0; i < n_close; ++i) ember::close(close_fds[i]);
  ember::exit(body(arg));
}

int relay(u64) {
  for (;;) {
    i64 n = ember::read(0, chunk, sizeof(chunk));
    if (n <= 0) return n == 0 ? 0 : 1;
    if (!ember::write_all(1, chunk, usize(n))) return 1;
  }
}

int sum_stage(u64) { return sum(); }

void forked_pipeline(u64 n) {
  int p1[2], p2[2], p3[2];
  if (!check(ember::pipe(p1) == 0 && ember::pipe(p2) == 0 && ember::pipe(p3) == 0, "pipes")) return;
  int all[] = {p1[0], p1[1], p2[0], p2[1], p3[0], p3[1]};
  i64 a = fork_stage(-1, p1[1], all, 6, gen, n);
  i64 b = fork_stage(p1[0], p2[1], all, 6, relay, 0);
  i64 c = fork_stage(p2[0], p3[1], all, 6, sum_stage, 0);
  for (int i = 0; i < 6; ++i)
    if (all[i] != p3[0]) ember::close(all[i]);
  check(a > 0 && b > 0 && c > 0, "fork of three stages", c);
  check_sum_line(p3[0], n, "forked gen | relay | sum: bytes and checksum");
  ember::close(p3[0]);
  check(wait_status(a) == 0 && wait_status(b) == 0 && wait_status(c) == 0, "the stages' status");
}

// --- programs -----------------------------------------------------------------------------

struct Stage {
  const char* path;
  const char* const* argv;
};

// Runs `stages` connected by pipes (the first reads the console: give it a file); the last
// one's output goes into `out` (NUL-terminated), each exit status into `status`.
void run_pipeline(const Stage* stages, int n, char* out, usize capacity, i64* status) {
  ember::dup2(0, 14);
  ember::dup2(1, 15);
  i64 pids[4];
  int in = -1, fds[2] = {-1, -1};
  for (int i = 0; i < n; ++i) {
    if (ember::pipe(fds) != 0) {
      pids[i] = -1;
      continue;
    }
    pids[i] = spawn_stage(stages[i].path, stages[i].argv, in, fds[1]);
    in = fds[0];
  }
  usize got = 0;
  for (i64 r; got + 1 < capacity && (r = ember::read(in, out + got, capacity - 1 - got)) > 0;)
    got += usize(r);
  out[got] = 0;
  ember::close(in);
  for (int i = 0; i < n; ++i) status[i] = pids[i] > 0 ? wait_status(pids[i]) : pids[i];
  ember::close(14);
  ember::close(15);
}

constexpr const char* kMotd =
    "Welcome to Ember: this file is /etc/motd in the initrd.\nIt has two lines.\n";

void expect_output(const Stage* stages, int n, const char* expected, const i64* statuses,
                   const char* what) {
  char out[512];
  i64 status[4];
  run_pipeline(stages, n, out, sizeof(out), status);
  bool ok = ember::streq(out, expected);
  for (int i = 0; i < n; ++i) ok &= status[i] == statuses[i];
  if (check(ok, what, status[n - 1])) return;
  ember::print("pipetest:   got: ");
  ember::print(out);
  ember::print("\npipetest:   expected: ");
  ember::print(expected);
  ember::print("\n");
}

// wc, grep, head and tee in pipelines, on /etc/motd (two lines, 14 words, 74 bytes).
void programs() {
  const char* cat[] = {"cat", "/etc/motd", nullptr};
  const char* grep_two[] = {"grep", "two", nullptr};
  const char* wc[] = {"wc", nullptr};
  const i64 ok3[] = {0, 0, 0};
  Stage count_two[] = {{"/bin/cat", cat}, {"/bin/grep", grep_two}, {"/bin/wc", wc}};
  expect_output(count_two, 3, "1 4 18\n", ok3, "cat /etc/motd | grep two | wc");
  const char* wc_files[] = {"wc", "/etc/motd", "-", nullptr};
  Stage wc_both[] = {{"/bin/cat", cat}, {"/bin/wc", wc_files}};
  expect_output(wc_both, 2, "2 14 74 /etc/motd\n2 14 74 -\n4 28 148 total\n", ok3,
                "cat /etc/motd | wc /etc/motd -");
  const char* grep_v[] = {"grep", "-v", "two", "/etc/motd", nullptr};
  Stage invert[] = {{"/bin/grep", grep_v}};
  expect_output(invert, 1, "Welcome to Ember: this file is /etc/motd in the initrd.\n", ok3,
                "grep -v two /etc/motd");
  const char* grep_c[] = {"grep", "-c", "e", "/etc/motd", "/etc/motd", nullptr};
  Stage counted[] = {{"/bin/grep", grep_c}};
  expect_output(counted, 1, "/etc/motd:2\n/etc/motd:2\n", ok3, "grep -c e with two files");
  const char* grep_none[] = {"grep", "nowhere", "/etc/motd", nullptr};
  Stage none[] = {{"/bin/grep", grep_none}};
  const i64 one[] = {1};
  expect_output(none, 1, "", one, "grep without a match: status 1");
  const char* grep_missing[] = {"grep", "x", "/nosuch", nullptr};
  Stage missing[] = {{"/bin/grep", grep_missing}};
  const i64 two[] = {2};
  expect_output(missing, 1, "", two, "grep of a missing file: status 2");
  const char* head1[] = {"head", "-n", "1", nullptr};
  Stage first[] = {{"/bin/cat", cat}, {"/bin/head", head1}};
  expect_output(first, 2, "Welcome to Ember: this file is /etc/motd in the initrd.\n", ok3,
                "cat /etc/motd | head -n 1");
  // head stops reading: gen, still writing 1 MiB, gets BrokenPipe and exits 1.
  const char* gen_argv[] = {"pipetest", "gen", "1048576", nullptr};
  const char* head0[] = {"head", "-n", "0", nullptr};
  Stage early[] = {{"/bin/pipetest", gen_argv}, {"/bin/head", head0}};
  const i64 broken[] = {1, 0};
  expect_output(early, 2, "", broken, "gen | head -n 0: gen ends on BrokenPipe");
  // tee into a file of the RAM file system, then -a appending to it; cat reads it back.
  const char* tee_file[] = {"tee", "/tmp/pipetest-tee", nullptr};
  Stage to_file[] = {{"/bin/cat", cat}, {"/bin/tee", tee_file}};
  expect_output(to_file, 2, kMotd, ok3, "cat /etc/motd | tee /tmp/pipetest-tee");
  const char* tee_append[] = {"tee", "-a", "/tmp/pipetest-tee", nullptr};
  Stage append[] = {{"/bin/cat", cat}, {"/bin/tee", tee_append}};
  expect_output(append, 2, kMotd, ok3, "cat /etc/motd | tee -a /tmp/pipetest-tee");
  const char* cat_back[] = {"cat", "/tmp/pipetest-tee", nullptr};
  Stage back[] = {{"/bin/cat", cat_back}};
  char twice[256];
  usize n = ember::strlen(kMotd);
  __builtin_memcpy(twice, kMotd, n);
  __builtin_memcpy(twice + n, kMotd, n + 1);
  expect_output(back, 1, twice, ok3, "the file tee wrote and tee -a appended to");
  check(ember::unlink("/tmp/pipetest-tee") == 0, "unlink of tee's file");
  // tee: standard output and descriptor 2 (its standard error, a pipe here) get the same
  // bytes.
  int side[2];
  if (!check(ember::pipe(side) == 0, "pipe for tee")) return;
  const char* tee[] = {"tee", "-d", "2", nullptr};
  Stage teed[] = {{"/bin/cat", cat}, {"/bin/tee", tee}};
  char out[512];
  i64 status[2];
  ember::dup2(2, 13);
  ember::dup2(side[1], 2);
  ember::close(side[1]);
  run_pipeline(teed, 2, out, sizeof(out), status);
  ember::dup2(13, 2);
  ember::close(13);
  char copy[512];
  usize got = 0;
  for (i64 r; got + 1 < sizeof(copy) &&
              (r = ember::read(side[0], copy + got, sizeof(copy) - 1 - got)) > 0;)
    got += usize(r);
  copy[got] = 0;
  ember::close(side[0]);
  check(ember::streq(out, kMotd) && ember::streq(copy, kMotd) && status[0] == 0 && status[1] == 0,
        "cat /etc/motd | tee -d 2: both copies", status[1]);
}

// --- bench ----------------------------------------------------------------------------------

int bench(u64 blocks) {
  int fds[2];
  if (ember::pipe(fds) != 0) return 0;
  i64 pid = ember::fork();
  if (pid == 0) {
    ember::close(fds[1]);
    while (ember::read(fds[0], chunk, sizeof(chunk)) > 0) {
    }
    ember::exit(0);
  }
  ember::close(fds[0]);
  for (u64 i = 0; i < sizeof(chunk); ++i) chunk[i] = u8(i);
  for (int i = 0; i < 4; ++i) ember::write_all(fds[1], chunk, sizeof(chunk));  // warm
  u64 start = ember::rdtsc();
  for (u64 i = 0; i < blocks; ++i)
    if (!ember::write_all(fds[1], chunk, sizeof(chunk))) return 0;
  ember::close(fds[1]);
  if (wait_status(pid) != 0) return 0;
  u64 cycles = ember::rdtsc() - start;
  return int(cycles / (blocks * (sizeof(chunk) / 1024)));
}

// --- helpers the checks spawn ---------------------------------------------------------------

u64 number(const char* s) {
  u64 v = 0;
  return ember::parse_u64(s, v) ? v : ~u64{0};
}

int helper(int argc, char** argv, bool& handled) {
  handled = true;
  const char* mode = argv[1];
  if (ember::streq(mode, "gen") && argc > 2) return gen(number(argv[2]));
  if (ember::streq(mode, "sum")) return sum();
  if (ember::streq(mode, "read-fd") && argc > 3)
    return read_pattern(int(number(argv[2])), number(argv[3])) ? 0 : 1;
  if (ember::streq(mode, "write-fd") && argc > 3) {
    // argv[3]: the parent's number for the pipe, which spawn must not have passed on.
    bool absent =
        ember::dup2(int(number(argv[3])), int(number(argv[3]))) == i64(Error::BadDescriptor);
    return absent && ember::write(int(number(argv[2])), "spawn", 5) == 5 ? 0 : 1;
  }
  int fds[2];
  if (ember::streq(mode, "block-read")) {
    if (ember::pipe(fds) != 0) return 1;
    char c;
    ember::read(fds[0], &c, 1);  // blocks: this process holds the write end
    return 1;
  }
  if (ember::streq(mode, "block-write")) {
    if (ember::pipe(fds) != 0) return 1;
    for (;;)  // blocks once the pipe is full: no one reads
      if (ember::write(fds[1], chunk, sizeof(chunk)) <= 0) return 1;
  }
  if (ember::streq(mode, "bench") && argc > 2) return bench(number(argv[2]));
  handled = false;
  return 0;
}

struct Mode {
  const char* name;
  void (*run)(u64);
};

constexpr Mode kModes[] = {
    {"pattern", [](u64) { pattern_to_forked_child(), pattern_to_spawned_child(); }},
    {"eof", [](u64) { end_of_file(); }},
    {"broken", [](u64) { broken_pipe(); }},
    {"inherit", [](u64) { inherit(); }},
    {"bad-args", [](u64) { bad_arguments(); }},
    {"pipeline", [](u64 n) { spawned_pipeline(n), forked_pipeline(n); }},
    {"programs", [](u64) { programs(); }},
};

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1) {
    bool handled;
    int status = helper(argc, argv, handled);
    if (handled) return status;
  }
  const char* only = argc > 1 && !ember::streq(argv[1], "all") ? argv[1] : nullptr;
  u64 n = argc > 2 ? ember::parse_count(argv[2], kPipelineBytes) : kPipelineBytes;
  bool ran = false;
  for (const Mode& m : kModes) {
    if (only != nullptr && !ember::streq(only, m.name)) continue;
    m.run(n);
    ran = true;
  }
  if (!ran) {
    ember::print(
        "usage: pipetest [all|pattern|eof|broken|inherit|bad-args|pipeline [N]|programs]\n");
    return 2;
  }
  if (failures > 0) return 1;
  ember::print(only ? "pipetest: " : "pipetest: all checks passed\n");
  if (only) ember::print(only), ember::print(" passed\n");
  return 0;
}
