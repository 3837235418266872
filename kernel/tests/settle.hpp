// For in-kernel tests whose checks depend on which thread runs when. On a loaded host
// QEMU stalls, and main's slice (4.25 ms at the default priority, spread over many tests
// because a round only ends when everyone's budget is spent) can end at any instruction.
// A test that needs main to keep the CPU for a few steps starts with start_fresh_slice();
// a thread that must run at once and keep the CPU until it blocks or exits gets
// keeps_the_cpu().
#pragma once

#include "log.hpp"
#include "sched/scheduler.hpp"
#include "sched/thread.hpp"
#include "time.hpp"

namespace kernel::test_support {

// Lets the log writer draw every record, then spins until the caller's slice ends. The
// caller comes back at the start of a fresh round with a whole slice (it outranks anything
// still runnable, or it is alone). Takes at most one slice. Context: thread, interrupts on.
inline void start_fresh_slice() {
  log::wait_screen_drawn();
  u32 cpu = thread::current().cpu();  // the tests run pinned to CPU 0 (ktest.cpp)
  u64 expiries = Scheduler::stats_of_cpu(cpu).slice_expiries;
  while (Scheduler::stats_of_cpu(cpu).slice_expiries == expiries) {
  }
}

// Options that keep a thread on the caller's CPU: tests that check which thread runs when
// (priorities, preemption, hand-off order) mean one CPU's decisions. On several CPUs a new
// thread would otherwise start at once on an idle CPU.
inline ThreadOptions here(ThreadOptions options = {}) {
  options.cpu = thread::current().cpu();
  return options;
}

// Options for a thread that must run as soon as it is created (it outranks main) and keep
// the CPU until it blocks or exits: a slice far longer than any test step, so that a host
// stall cannot end it halfway.
inline ThreadOptions keeps_the_cpu(sched::Priority priority) {
  ThreadOptions options;
  options.priority = priority;
  options.slice_ns = time::kNsPerSecond;
  return here(options);
}

// Polls, sleeping 1 ms between tries, until `condition` holds: false if it still did not after
// `seconds` (a bound far above any wait a passing test needs, so a missing wake-up fails the
// test instead of hanging the boot). Context: thread.
template <typename Condition>
bool eventually(Condition condition, u64 seconds = 10) {
  u64 deadline = time::now_ns() + seconds * time::kNsPerSecond;
  while (!condition()) {
    if (time::now_ns() > deadline) return false;
    thread::sleep_for(time::kNsPerMs);
  }
  return true;
}

}  // namespace kernel::test_support
