// In-kernel tests of wait (docs/processes.md, "Orphans and zombies"), in test=all on the boots
// with the initrd: a child that two threads of its parent wait for is collected by exactly
// one of them, and the other gets NoChild (not a hang, not a later process's status).
#include <abi/syscalls.hpp>

#include "ktest.hpp"
#include "proc/process.hpp"
#include "sched/thread.hpp"
#include "tests/settle.hpp"
#include "time.hpp"

namespace kernel {

namespace {

using test_support::eventually;

using abi::Error;
using libk::StringView;

struct Waiter {
  proc::Pid pid;
  bool ok = false;
  i64 status = 0;
  Error error = Error::Invalid;
  libk::Atomic<bool> done{false};
};

void wait_for(void* arg) {
  auto* w = static_cast<Waiter*>(arg);
  auto r = proc::wait(w->pid, proc::kKernelParent);
  w->ok = r.ok();
  if (r.ok())
    w->status = r.value();
  else
    w->error = r.error();
  w->done.store(true);
}

}  // namespace

// Both waiters block on the running child; kill ends it. One gets its status and frees it;
// the other must see that the child is gone. Then a new process (which may take the freed
// slot) is still its parent's to collect.
KTEST("proc.wait.two_waiters_one_collects_the_other_gets_no_child") {
  StringView argv[] = {"loop"};
  auto pid = proc::spawn("/bin/loop", argv, proc::kKernelParent);
  if (!KEXPECT(pid.ok())) return;
  Waiter a{pid.value()}, b{pid.value()};
  auto ta = thread::create("wait-a", wait_for, &a);
  auto tb = thread::create("wait-b", wait_for, &b);
  if (!KEXPECT(ta.ok() && tb.ok())) return;
  KEXPECT(eventually([&] {
    return ta.value()->state() == sched::ThreadState::Blocked &&
           tb.value()->state() == sched::ThreadState::Blocked;
  }));
  KEXPECT(proc::kill(pid.value(), abi::kStatusKilled).ok());
  KEXPECT(eventually([&] { return a.done.load() || b.done.load(); }));
  // The next process: with a waiter still holding the old slot, it would be collected by it.
  StringView true_argv[] = {"true"};
  auto next = proc::spawn("/bin/true", true_argv, proc::kKernelParent);
  if (!KEXPECT(next.ok())) return;
  auto next_status = proc::wait(next.value(), proc::kKernelParent);
  KEXPECT(next_status.ok() && next_status.value() == 0);
  bool both = eventually([&] { return a.done.load() && b.done.load(); });
  if (!KEXPECT(both)) return;  // a waiter stuck for good: cannot be joined
  thread::join(*ta.value());
  thread::join(*tb.value());
  Waiter& got = a.ok ? a : b;
  Waiter& other = a.ok ? b : a;
  KEXPECT(got.ok && got.status == abi::kStatusKilled);
  KEXPECT(!other.ok && other.error == Error::NoChild);
}

}  // namespace kernel
