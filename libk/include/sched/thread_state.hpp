// The life of a thread, as a state machine the kernel checks on every change
// (kernel::Thread::set_state VERIFYs can_transition):
//
//   Created → Ready     started: put on the run queue for the first time
//   Ready   → Running   picked by the scheduler
//   Running → Ready     preempted (slice over, or a more urgent thread woke up) or yielded
//   Running → Blocked   waits on a wait list, or sleeps until a deadline
//   Blocked → Ready     woken (by whoever it waited for, or by its deadline)
//   Running → Exited    returned from its entry function or called exit
//
// Ready: on the run queue. Blocked: on a wait list or sleeping until a deadline. Exited: its
// code is done and it never runs again; it stays around (stack and all) until joined, or
// until the scheduler has switched away from it when it is detached.
#pragma once

#include <libk/types.hpp>

namespace sched {

enum class ThreadState : u8 { Created, Ready, Running, Blocked, Exited };

constexpr bool can_transition(ThreadState from, ThreadState to) {
  using S = ThreadState;
  switch (from) {
    case S::Created: return to == S::Ready;
    case S::Ready: return to == S::Running;
    case S::Running: return to == S::Ready || to == S::Blocked || to == S::Exited;
    case S::Blocked: return to == S::Ready;
    case S::Exited: return false;
  }
  return false;
}

constexpr const char* state_name(ThreadState s) {
  switch (s) {
    case ThreadState::Created: return "created";
    case ThreadState::Ready: return "ready";
    case ThreadState::Running: return "running";
    case ThreadState::Blocked: return "blocked";
    case ThreadState::Exited: return "exited";
  }
  return "?";
}

}  // namespace sched
