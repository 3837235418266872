// In-kernel scheduler benchmarks (KTEST_MANUAL, run by the `sched` benchmark boot:
// tests/qemu/boot_tests.py bench-sched, `meson test --benchmark`). Each prints a line
//   KBENCH <name>: <n> <events>, <cycles> cycles/<event>, <ns> ns/<event>
// Cycles are TSC ticks; under QEMU's TCG the TSC advances with host time, so they measure
// the emulated kernel, not a real CPU. docs/scheduling.md lists results.
#include <hal/context.hpp>
#include <hal/cpu.hpp>
#include <hal/interrupts.hpp>

#include "ktest.hpp"
#include "log.hpp"
#include "sched/scheduler.hpp"
#include "sched/wait_queue.hpp"
#include "sync/mutex.hpp"
#include "time.hpp"

namespace kernel {

namespace {

constexpr u64 kRounds = 20'000;

struct Measurement {
  u64 tsc, ns;
  static Measurement now() { return {hal::cpu::rdtsc(), time::now_ns()}; }
};

// `event` is singular ("switch"), `events` its plural.
void report(libk::StringView name, u64 count, libk::StringView event, libk::StringView events,
            const Measurement& start) {
  Measurement end = Measurement::now();
  u64 cycles = (end.tsc - start.tsc) / (count ? count : 1);
  u64 ns = (end.ns - start.ns) / (count ? count : 1);
  libk::format_to(ktest::out(), "KBENCH {}: {} {}, {} cycles per {}, {} ns per {}\n", name, count,
                  events, cycles, event, ns, event);
}

// Above main (which only joins), and with a slice far longer than a run: no slice ends in
// the middle, so every yield switches and every unlock hands the mutex to the other thread.
// On main's CPU: the benchmarks measure one CPU's switches.
ThreadOptions above_main() {
  ThreadOptions o;
  o.priority = sched::kDefaultPriority + 1;
  o.slice_ns = time::kNsPerSecond;
  o.cpu = thread::current().cpu();
  return o;
}

// --- The bare switch, without the scheduler -------------------------------------------------

struct RawPair {
  u64 main_sp = 0, other_sp = 0;
};

[[noreturn]] void raw_bounce(void* arg) {
  auto* p = static_cast<RawPair*>(arg);
  for (;;) hal_context_switch(&p->other_sp, p->main_sp);
}

// --- Yield ping-pong ------------------------------------------------------------------------

// The two yielders wait here until both exist: a lone yielder would just keep the CPU.
constinit WaitQueue start_gate;
constinit bool started = false;

void yield_many(void*) {
  start_gate.wait_until([] { return started; });
  for (u64 i = 0; i < kRounds; ++i) thread::yield();
}

// --- Mutex hand-off -------------------------------------------------------------------------

constinit Mutex handoff_mutex{"bench-handoff"};

// Two of these alternate: each unlock hands the mutex to the other thread, which is waiting
// for it, and the next lock() blocks until the mutex comes back.
void handoff_many(void*) {
  for (u64 i = 0; i < kRounds; ++i) {
    handoff_mutex.lock();
    handoff_mutex.unlock();
  }
}

}  // namespace

KTEST_MANUAL("bench.sched.raw_switch") {
  auto stack = stacks::allocate();
  if (!KEXPECT(stack.has_value())) return;
  RawPair pair;
  pair.other_sp = hal::context::prepare(stack->top(), raw_bounce, &pair);
  hal::interrupts::Guard no_interrupts;  // the switch contract: interrupts off
  Measurement start = Measurement::now();
  for (u64 i = 0; i < kRounds; ++i) hal_context_switch(&pair.main_sp, pair.other_sp);
  report("raw_switch", 2 * kRounds, "switch", "switches", start);
  stacks::free(*stack);
}

KTEST_MANUAL("bench.sched.yield_pingpong") {
  auto a = thread::create("yield-a", yield_many, nullptr, above_main());
  auto b = thread::create("yield-b", yield_many, nullptr, above_main());
  if (!KEXPECT(a.ok() && b.ok())) return;
  u64 before = Scheduler::stats().switches;
  Measurement start = Measurement::now();
  {
    SpinLockGuard guard(scheduler_lock);
    started = true;
    start_gate.wake_all_locked();
  }
  Scheduler::preempt_if_needed();
  thread::join(*a.value());
  thread::join(*b.value());
  u64 switches = Scheduler::stats().switches - before;
  KEXPECT(switches >= 2 * kRounds);  // every yield switched
  report("yield_pingpong", switches, "switch", "switches", start);
}

KTEST_MANUAL("bench.sched.mutex_handoff") {
  u64 before = Scheduler::stats().switches;
  u64 waits_before = handoff_mutex.contended_locks();
  // Both threads queue up on the held mutex first, so every unlock finds a waiter.
  handoff_mutex.lock();
  auto a = thread::create("handoff-a", handoff_many, nullptr, above_main());
  auto b = thread::create("handoff-b", handoff_many, nullptr, above_main());
  Measurement start = Measurement::now();
  handoff_mutex.unlock();
  if (!KEXPECT(a.ok() && b.ok())) return;
  thread::join(*a.value());
  thread::join(*b.value());
  u64 handoffs = handoff_mutex.contended_locks() - waits_before;
  log::info("bench: {} switches for {} hand-offs", Scheduler::stats().switches - before, handoffs);
  KEXPECT(handoffs >= 2 * kRounds - 1);  // every lock but the last waited for a hand-off
  report("mutex_handoff", handoffs, "hand-off", "hand-offs", start);
}

}  // namespace kernel
