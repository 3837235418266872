// Where threads run when there are several CPUs: the placement of a thread that becomes
// runnable, and which CPU an idle CPU takes work from. Pure logic over a snapshot of every
// CPU's load, tested on the host (tests/host/sched_balance_test.cpp); the kernel's scheduler
// (kernel/sched/scheduler.cpp) fills the snapshot under its lock and moves the threads.
#pragma once

#include <libk/span.hpp>
#include <sched/entity.hpp>

namespace sched {

using libk::Span;

inline constexpr u32 kNoCpu = ~u32{0};

// What placement knows of one CPU.
struct CpuLoad {
  bool online = false;
  bool idle = false;     // running its idle thread
  usize queued = 0;      // runnable and waiting (not counting the one running)
  Priority running = 0;  // the running thread's priority (ignored when idle)
};

// The CPU an entity that becomes runnable should be queued on. `last` is where it last ran
// (its caches may still be warm), `affinity` kAnyCpu or the one CPU it may use. In order:
//  1. pinned: its CPU (even if that CPU is busy);
//  2. its last CPU, if idle;
//  3. another idle CPU, the first after `last` (so a burst of wake-ups spreads);
//  4. the CPU it would preempt (running a lower priority) with the fewest queued, `last`
//     first among equals;
//  5. the CPU with the fewest queued, `last` first among equals.
// Offline CPUs are never chosen; kNoCpu if none is online (or the pinned one is not).
u32 place(Span<const CpuLoad> cpus, u32 last, u32 affinity, Priority priority);

// The CPU an idle CPU `thief` should take a queued entity from: the online CPU with the most
// queued entities (at least one), ties to the lowest index; kNoCpu if every queue is empty.
// The caller still checks that the entity it takes may run on `thief`.
u32 pick_victim(Span<const CpuLoad> cpus, u32 thief);

}  // namespace sched
