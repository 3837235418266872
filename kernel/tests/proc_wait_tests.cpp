// In-kernel tests of wait (docs/processes.md, "Orphans and zombies"), in test=all on the boots
// with the initrd: a child that two threads of its parent wait for is collected by exactly
// one of them, and the other gets NoChild (not a hang, not a later process's status); a wait
// for a pid whose fork or spawn failed ends with NoChild when the slot is given back.
#include <abi/syscalls.hpp>

#include "ktest.hpp"
#include "proc/process.hpp"
#include "proc/process_table.hpp"
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

// A thread may wait for the pid a fork or spawn is about to return (a guess: pids are handed
// out in order) while the slot is still being filled. If the fork fails, the slot is given
// back, and the waiter must learn at once that there is no such child, not sleep on until
// some unrelated process exits. (White-box: the failure is made with the table's own calls.)
KTEST("proc.wait.a_slot_given_back_wakes_its_waiter") {
  auto slot = proc::claim_slot("never-runs", proc::kKernelParent);
  if (!KEXPECT(slot.ok())) return;
  Waiter w{slot.value()->pid};
  auto waiter = thread::create("wait-slot", wait_for, &w);
  if (!KEXPECT(waiter.ok())) return;
  KEXPECT(eventually([&] { return waiter.value()->state() == sched::ThreadState::Blocked; }));
  proc::release_slot(*slot.value());
  bool woken = eventually([&] { return w.done.load(); });
  KEXPECT(woken);
  if (!woken) {  // wake it the slow way, so it can be joined
    StringView argv[] = {"true"};
    auto other = proc::spawn("/bin/true", argv, proc::kKernelParent);
    if (other.ok()) (void)proc::wait(other.value(), proc::kKernelParent);
    if (!KEXPECT(eventually([&] { return w.done.load(); }))) return;
  }
  thread::join(*waiter.value());
  KEXPECT(!w.ok && w.error == Error::NoChild);
}

}  // namespace kernel
