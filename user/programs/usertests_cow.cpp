// Fork's copy-on-write seen from ring 3 (docs/processes.md, "Fork and copy-on-write"):
// meminfo counts a process's mapped pages and those whose frame another process maps too.
// The parent does every measuring while its child sits blocked on a pipe, touching nothing,
// and itself writes nothing but the page it means to: each count moves by exactly what the
// copy-on-write rules say.
#include "usertests_cow.hpp"

#include "usertests_check.hpp"

namespace cow_tests {

namespace {

using abi::Error;
using usertests::opaque;

constexpr u64 kPage = 4096;
constexpr u64 kPages = 64;

// In .bss: demand-zero until touched, then private to this process until it forks.
alignas(4096) u8 buffer[kPages * kPage];
// meminfo's answers land here: one page, copied (if shared) by the first call, so that the
// calls themselves copy nothing later.
alignas(4096) abi::MemInfo info[4];

void touch_all(u8 value) {
  for (u64 i = 0; i < kPages; ++i) *static_cast<volatile u8*>(&buffer[i * kPage]) = value;
}

u64 read_all() {
  u64 sum = 0;
  for (u64 i = 0; i < kPages; ++i) sum += *static_cast<volatile u8*>(&buffer[i * kPage]);
  return sum;
}

// A forked child that waits for a byte on `go` (or its end) and exits 0, touching no page of
// the buffer meanwhile.
i64 fork_waiting_child(int go_read, int go_write) {
  i64 pid = ember::fork();
  if (pid != 0) return pid;
  ember::close(go_write);
  char byte;
  ember::read(go_read, &byte, 1);
  ember::exit(0);
}

}  // namespace

bool shares_until_written() {
  touch_all(1);
  CHECK(ember::meminfo(0, &info[0]) == 0);  // copies info's page now, if it is shared
  CHECK(ember::meminfo(0, &info[0]) == 0);
  abi::MemInfo before = info[0];
  CHECK(before.resident >= kPages);
  int go[2];
  CHECK(ember::pipe(go) == 0);
  i64 child = fork_waiting_child(go[0], go[1]);
  CHECK(child > 0);
  ember::close(go[0]);
  CHECK(ember::meminfo(0, &info[0]) == 0);  // info's page: copied again after the fork
  CHECK(ember::meminfo(0, &info[0]) == 0 && ember::meminfo(child, &info[1]) == 0);
  abi::MemInfo parent = info[0], kid = info[1];
  // Every buffer page is mapped by both now, one frame each.
  CHECK(parent.shared >= before.shared + kPages);
  CHECK(kid.shared >= kPages);
  CHECK(parent.resident == before.resident);  // the fork copied no page
  // Reading copies nothing.
  CHECK(read_all() == kPages);
  CHECK(ember::meminfo(0, &info[2]) == 0);
  CHECK(info[2].shared == parent.shared && info[2].resident == parent.resident);
  // One write copies exactly that page: one fewer shared on both sides, as many mapped.
  *static_cast<volatile u8*>(&buffer[5 * kPage]) = 2;
  CHECK(ember::meminfo(0, &info[2]) == 0 && ember::meminfo(child, &info[3]) == 0);
  CHECK(info[2].shared == parent.shared - 1 && info[2].resident == parent.resident);
  CHECK(info[3].shared == kid.shared - 1 && info[3].resident == kid.resident);
  // The child ends: what it shared is the parent's alone again.
  ember::close(go[1]);
  i64 status = -1;
  CHECK(ember::wait(child, &status) == child && status == 0);
  CHECK(ember::meminfo(0, &info[2]) == 0);
  CHECK(info[2].shared == before.shared && info[2].resident == before.resident);
  return true;
}

// A child that execs gives up the copy of its parent's pages at once, while it still runs.
bool exec_drops_sharing() {
  touch_all(3);
  CHECK(ember::meminfo(0, &info[0]) == 0);
  CHECK(ember::meminfo(0, &info[0]) == 0);
  abi::MemInfo before = info[0];
  int go[2];
  CHECK(ember::pipe(go) == 0);
  i64 child = ember::fork();
  if (child == 0) {  // cat, reading the pipe: blocked until the parent closes it
    ember::close(go[1]);
    ember::dup2(go[0], 0);
    ember::close(go[0]);
    const char* argv[] = {"cat", nullptr};
    ember::exec("/bin/cat", argv);
    ember::exit(99);
  }
  CHECK(child > 0);
  ember::close(go[0]);
  // Until the child's exec, its copy shares the buffer; after it, nothing is shared. Wait for
  // the exec to happen: the child's name becomes "cat".
  bool exec_done = false;
  static abi::ProcEntry entries[64];
  for (int round = 0; round < 100000 && !exec_done; ++round) {
    i64 n = ember::proc_list(entries, 64);
    for (i64 i = 0; i < n; ++i)
      if (i64(entries[i].pid) == child && ember::streq(entries[i].name, "cat")) exec_done = true;
    if (!exec_done) ember::yield();
  }
  CHECK(exec_done);
  CHECK(ember::meminfo(0, &info[1]) == 0 && ember::meminfo(child, &info[2]) == 0);
  CHECK(info[1].shared == before.shared);
  CHECK(info[2].shared == 0);  // cat's own image: nothing shared with anyone
  ember::close(go[1]);
  i64 status = -1;
  CHECK(ember::wait(child, &status) == child && status == 0);
  return true;
}

bool meminfo_arguments() {
  CHECK(ember::meminfo(0, reinterpret_cast<abi::MemInfo*>(opaque(usertests::kKernelAddress))) ==
        i64(Error::Fault));
  CHECK(ember::meminfo(0, reinterpret_cast<abi::MemInfo*>(opaque(0))) == i64(Error::Fault));
  CHECK(ember::meminfo(999999, &info[0]) == i64(Error::NoProcess));
  CHECK(ember::meminfo(i64(opaque(1ull << 40)), &info[0]) == i64(Error::NoProcess));
  i64 parent = ember::getppid();
  if (parent > 0) CHECK(ember::meminfo(parent, &info[0]) == i64(Error::NoProcess));  // not mine
  CHECK(ember::meminfo(ember::getpid(), &info[0]) == 0);  // its own pid, as 0
  CHECK(info[0].resident > 0 && info[0].shared <= info[0].resident && info[0].free_frames > 0);
  return true;
}

}  // namespace cow_tests
