// The scheduler: every CPU runs threads, preemptively, driven by its local APIC timer
// through one-shot deadline timers (kernel/timers.hpp). The policy is libk's: who runs next
// and for how long on one CPU is sched::RunQueue (libk/include/sched/run_queue.hpp), one per
// CPU; where a thread runs is sched::place and work stealing (libk/include/sched/balance.hpp).
// This is the mechanism around them: the scheduler lock, context switches, CPU-time
// accounting, time slices, sleeping, blocking, waking and moving threads between CPUs.
// docs/scheduling.md and docs/smp.md have the whole picture.
//
// The scheduler lock (scheduler_lock.hpp) protects every CPU's run queue, every thread's
// state and every wait list (wait queues, mutexes, semaphores, condition variables, joins):
// one lock for all CPUs, as xv6 has one for its process table. It is a spinlock whose guard
// disables interrupts, and the only lock held across a context switch: the thread that
// switches away takes it, the thread that resumes releases it (returning from its own switch,
// or in thread_start for a new thread). A thread that is switching out therefore cannot be
// picked by another CPU before its registers are saved. Functions named `_locked` require
// the lock (REQUIRES, checked by the compiler) and check it at run time in debug builds.
//
// Preemption: the slice timer or a wake-up sets a CPU's "reschedule needed"; the switch
// happens on the way out of that CPU's next interrupt (after the EOI: on_interrupt_exit; a
// wake-up for another CPU sends it a reschedule IPI to be that interrupt) or, in thread
// context, when the waker calls preempt_if_needed() after releasing the lock. Kernel code is
// preemptible wherever interrupts are enabled; code that must not be preempted disables them
// (or holds a spinlock, which does).
#pragma once

#include <libk/thread_safety.hpp>

#include "crash_report.hpp"
#include "sched/scheduler_lock.hpp"
#include "sched/thread.hpp"

namespace kernel {

// Per CPU, and summed over all CPUs by Scheduler::stats().
struct SchedulerStats {
  u64 switches;          // context switches (a thread switching to itself is not one)
  u64 slice_expiries;    // preemptions because a time slice was used up
  u64 wakeups;           // Blocked -> Ready (counted on the waking CPU)
  u64 wake_preemptions;  // switches straight to a thread whose wake-up preempted the CPU
  u64 migrations;        // threads this CPU took from another one's run queue
  u64 idle_ns;           // CPU time of the idle thread(s)
  u64 threads_created;   // all CPUs
  u64 threads_live;      // created and not yet freed (excluding boot and idle threads)
};

class Scheduler {
 public:
  // Turns the running boot context into thread "main" (id 1), creates CPU 0's idle thread
  // and installs the interrupt-exit hook. Needs the heap, kernel stacks and timers. From
  // here on the boot sequence is a thread: it can block, sleep and be preempted.
  static void init();
  // An AP that has its GDT, IDT, local APIC and timer: its boot context becomes its idle
  // thread, the CPU takes threads from now on, and this never returns.
  [[noreturn]] static void run_this_cpu() EXCLUDES(scheduler_lock);
  static bool running();

  static Thread& current();
  static SchedulerStats stats();
  static SchedulerStats stats_of_cpu(u32 cpu);
  // Thread::cpu_time_ns(): charged time, plus the running thread's uncharged time up to `now`.
  static u64 cpu_time_ns(const Thread& t, u64 now);

  // Thread context: gives up the CPU to the next runnable thread of the same or higher
  // priority (returns at once if there is none).
  static void yield() EXCLUDES(scheduler_lock);
  static void sleep_until(u64 deadline_ns) EXCLUDES(scheduler_lock);

  // Interrupt context, interrupts disabled, after the EOI: switches threads if a time slice
  // ended or a more urgent thread woke up during the interrupt.
  static void on_interrupt_exit() EXCLUDES(scheduler_lock);

  // --- For wait queues and synchronization primitives ---------------------------------

  // Panics unless the caller may block: a thread (the scheduler runs) with interrupts
  // enabled, so not an interrupt handler nor a spinlock holder. `what` names the operation.
  static void check_can_block(const char* what);
  static constexpr u64 kNoDeadline = ~u64{0};
  // Lock held. The current thread (usually already put on a wait list) becomes Blocked and
  // the CPU switches away. Returns, with the lock held again, once the thread was woken and
  // picked: true if by wake_locked(), false if `deadline_ns` (monotonic clock) passed first,
  // in which case it was also taken off the wait list it was on.
  static bool block_locked(u64 deadline_ns = kNoDeadline) REQUIRES(scheduler_lock);
  // Lock held. Makes a Blocked thread Ready; notes if it should preempt the current one.
  static void wake_locked(Thread& t) REQUIRES(scheduler_lock);
  // Lock not held: switches if a wake-up asked for it and the caller is preemptible
  // (interrupts enabled); otherwise leaves it to the interrupt exit. Context: any.
  static void preempt_if_needed() EXCLUDES(scheduler_lock);

  // --- For thread.cpp ---------------------------------------------------------------------

  static libk::Result<Thread*, ThreadError> create(libk::StringView name, Thread::Entry entry,
                                                   void* arg, const ThreadOptions& options)
      EXCLUDES(scheduler_lock);
  [[noreturn]] static void exit(i64 status) EXCLUDES(scheduler_lock);
  static i64 join(Thread& t) EXCLUDES(scheduler_lock);
  static void detach(Thread& t) EXCLUDES(scheduler_lock);
  static void set_priority(Thread& t, sched::Priority priority, u64 slice_ns)
      EXCLUDES(scheduler_lock);
  // Pins `t` to CPU `cpu` (sched::kAnyCpu: any). False if `cpu` is not online.
  static bool set_affinity(Thread& t, u32 cpu) EXCLUDES(scheduler_lock);
  static void for_each(void (*visit)(const Thread& t, void* context), void* context)
      EXCLUDES(scheduler_lock);
  // The thread whose stack, or the guard page below it, holds `address`, if any (crash
  // reports). Walks the thread list without the lock: only for a CPU that is about to stop.
  static const Thread* thread_with_stack_at(u64 address);

  // The calling thread goes back to the kernel's page tables for good (its process is
  // ending). Context: a user thread, in the kernel.
  static void leave_address_space() EXCLUDES(scheduler_lock);
  // The calling user thread moves to the page tables at `root` (exec's new image) and loads
  // them. Context: a user thread, in the kernel.
  static void switch_address_space(u64 root) EXCLUDES(scheduler_lock);
  // No CPU keeps the page tables at `root` loaded when this returns: a CPU running a kernel
  // thread may still hold the last process's tables (lazily, see enter_address_space_locked)
  // and loads the kernel's instead, by IPI if it is another. Called before those tables are
  // freed (AddressSpace::destroy), when no thread of theirs runs any more. Context: thread,
  // no spinlock held.
  static void forget_address_space(u64 root) EXCLUDES(scheduler_lock);

 private:
  static void switch_locked() REQUIRES(scheduler_lock);
  static void enter_address_space_locked(Thread& next, bool lazy = true) REQUIRES(scheduler_lock);
  static void switch_fpu_state_locked(Thread& prev, Thread& next) REQUIRES(scheduler_lock);
  [[nodiscard]] static bool allocate_fpu_area(Thread& t);
  static Thread& pick_next_locked() REQUIRES(scheduler_lock);
  static bool running_elsewhere_locked(const Thread& t, u32 self) REQUIRES(scheduler_lock);
  static void make_runnable_locked(Thread& t, u32 last_cpu, bool keep_cpu) REQUIRES(scheduler_lock);
  static void request_preemption_locked(u32 cpu, Thread& woken) REQUIRES(scheduler_lock);
  static bool steal_locked() REQUIRES(scheduler_lock);
  static void kick_idle_cpu_locked() REQUIRES(scheduler_lock);
  static void retire_locked(Thread& t) REQUIRES(scheduler_lock);
  static void destroy(Thread& t) EXCLUDES(scheduler_lock);
  static void reap() EXCLUDES(scheduler_lock);
  static void finish_switch_locked() REQUIRES(scheduler_lock);
  static void account_locked() REQUIRES(scheduler_lock);
  static void arm_slice_timer_locked(Thread& next) REQUIRES(scheduler_lock);
  static void on_slice_timer(libk::Timer& timer, void* context) EXCLUDES(scheduler_lock);
  static void on_wake_timer(libk::Timer& timer, void* context) EXCLUDES(scheduler_lock);
  // A new thread's first code, switched to with the scheduler lock held by switch_locked()
  // in the thread that switched away: it releases that lock.
  [[noreturn]] static void thread_start(void* thread) RELEASE(scheduler_lock);
  [[noreturn]] static void idle_loop(void* unused) EXCLUDES(scheduler_lock);

  static bool find_stack_for_crash_report(u64 address, crash::KnownStack& out);
};

}  // namespace kernel
