#include "sched/scheduler.hpp"

#include <hal/context.hpp>
#include <hal/interrupts.hpp>
#include <libk/atomic.hpp>
#include <sched/run_queue.hpp>

#include "interrupts.hpp"
#include "log.hpp"
#include "memory/heap.hpp"
#include "memory/memory.hpp"
#include "panic.hpp"
#include "time.hpp"
#include "timers.hpp"

namespace kernel {

constinit SpinLock scheduler_lock{"scheduler", lock_rank::kScheduler};

namespace {

using sched::ThreadState;

constinit Thread main_thread;  // the boot context, adopted by init()
constinit Thread idle_thread;
constinit sched::RunQueue run_queue GUARDED_BY(scheduler_lock){idle_thread};
constinit libk::IntrusiveList<Thread, AllThreadsTag> all_threads GUARDED_BY(scheduler_lock);
// Changed only by switch_locked() (lock held, interrupts off), and read without the lock by
// the running thread, which always finds itself.
constinit Thread* current_thread = nullptr;
// A time slice ended or a wake-up outranks the running thread. Set under the lock, read
// without it where a switch may happen (interrupt exit, preempt_if_needed).
constinit libk::Atomic<bool> need_resched{false};
// The thread whose wake-up set need_resched, if that is why (statistics: wake preemptions).
constinit Thread* preempt_for GUARDED_BY(scheduler_lock) = nullptr;
constinit u64 last_account_ns GUARDED_BY(scheduler_lock) = 0;  // CPU time up to here is charged
constinit libk::Timer slice_timer GUARDED_BY(scheduler_lock);
// A detached thread that exited; freed by the next thread to run (it cannot free its own
// stack while running on it).
constinit Thread* exited_detached GUARDED_BY(scheduler_lock) = nullptr;
constinit ThreadId next_id GUARDED_BY(scheduler_lock) = 1;
constinit SchedulerStats counters GUARDED_BY(scheduler_lock){};

void request_resched() { need_resched.store(true, libk::MemoryOrder::Relaxed); }
bool resched_requested() { return need_resched.load(libk::MemoryOrder::Relaxed); }

Thread& as_thread(sched::Entity& e) { return static_cast<Thread&>(e); }

}  // namespace

// --- Switching ------------------------------------------------------------------------------

void Scheduler::account_locked() {
  scheduler_lock.assert_held();
  u64 now = time::now_ns();
  run_queue.charge(*current_thread, now - last_account_ns);
  last_account_ns = now;
}

// Runs the next thread. The current thread's next state is already decided: still Running
// (preempted or yielding: it goes back on the run queue), Blocked (on a wait list or
// sleeping) or Exited. Returns when the current thread is picked again.
void Scheduler::switch_locked() {
  scheduler_lock.assert_held();
  Thread* prev = current_thread;
  account_locked();
  if (prev->state_ == ThreadState::Running) {
    prev->set_state(ThreadState::Ready);
    run_queue.enqueue(*prev);  // ignored for the idle thread, which is never queued
  }
  Thread& next = as_thread(run_queue.pick_next());
  next.set_state(ThreadState::Running);
  if (&next == preempt_for) ++counters.wake_preemptions;
  preempt_for = nullptr;
  need_resched.store(false, libk::MemoryOrder::Relaxed);
  arm_slice_timer_locked(next);
  if (&next == prev) return;
  current_thread = &next;
  ++next.switches_;
  ++counters.switches;
  hal_context_switch(&prev->saved_sp_, next.saved_sp_);
  // `prev` runs again here, switched back to by some thread.
  finish_switch_locked();
}

// Whatever a thread must do right after it was switched to (also run by new threads).
void Scheduler::finish_switch_locked() {
  scheduler_lock.assert_held();
  if (exited_detached != nullptr && exited_detached != current_thread) {
    Thread* t = exited_detached;
    exited_detached = nullptr;
    free_thread(*t);
  }
}

// The slice timer only needs to fire no later than the running thread's slice ends. If it
// is armed for earlier, it stays: on_slice_timer finds the slice not over and re-arms.
// This keeps timer reprogramming off the common switch path (a yield ping-pong re-arms
// about once per slice, not once per switch).
void Scheduler::arm_slice_timer_locked(Thread& next) {
  scheduler_lock.assert_held();
  u64 left = run_queue.slice_left_ns(next);
  if (left == 0) return;  // the idle thread: no slice (a pending slice timer is harmless)
  u64 deadline = last_account_ns + left;
  if (slice_timer.armed()) {
    if (slice_timer.deadline <= deadline) return;
    timers::cancel(slice_timer);
  }
  timers::arm(slice_timer, deadline, on_slice_timer, nullptr);
}

void Scheduler::on_slice_timer(libk::Timer&, void*) {
  SpinLockGuard guard(scheduler_lock);
  account_locked();
  if (run_queue.slice_expired(*current_thread)) {
    request_resched();
    ++counters.slice_expiries;
  } else {
    arm_slice_timer_locked(*current_thread);
  }
}

void Scheduler::on_interrupt_exit() {
  if (!resched_requested() || current_thread == nullptr) return;
  SpinLockGuard guard(scheduler_lock);
  switch_locked();
}

// Interrupts off means the caller is not preemptible (an interrupt handler, or code that
// disabled them on purpose): the switch waits for the interrupt exit or the next chance.
void Scheduler::preempt_if_needed() {
  if (resched_requested() && hal::interrupts::enabled()) yield();
}

void Scheduler::yield() {
  SpinLockGuard guard(scheduler_lock);
  switch_locked();
}

// --- Blocking and waking ------------------------------------------------------------------

bool Scheduler::block_locked(u64 deadline_ns) {
  scheduler_lock.assert_held();
  Thread& self = *current_thread;
  bool timed = deadline_ns != kNoDeadline;
  self.timed_out_ = false;
  // The timer cannot fire before the switch: the lock keeps interrupts off until then.
  if (timed) timers::arm(self.wake_timer_, deadline_ns, on_wake_timer, &self);
  self.set_state(ThreadState::Blocked);
  switch_locked();
  if (timed) timers::cancel(self.wake_timer_);  // woken first: the timer is still armed
  return !self.timed_out_;
}

void Scheduler::wake_locked(Thread& t) {
  scheduler_lock.assert_held();
  t.set_state(ThreadState::Ready);
  t.woken_at_ns_ = time::now_ns();
  run_queue.enqueue(t);
  ++counters.wakeups;
  if (run_queue.should_preempt(*current_thread, t)) {
    request_resched();
    preempt_for = &t;
  }
}

// A blocked thread's deadline passed (interrupt context). If it was woken in the meantime
// (it is Ready, and cancels this timer when it runs) there is nothing to do.
void Scheduler::on_wake_timer(libk::Timer&, void* thread) {
  SpinLockGuard guard(scheduler_lock);
  Thread& t = *static_cast<Thread*>(thread);
  if (t.state_ != ThreadState::Blocked) return;
  sched::WaitList::cancel_wait(t);
  t.timed_out_ = true;
  wake_locked(t);
}

void Scheduler::sleep_until(u64 deadline_ns) {
  check_can_block("sleep");
  if (deadline_ns <= time::now_ns()) return;
  SpinLockGuard guard(scheduler_lock);
  block_locked(deadline_ns);  // on no wait list: only the deadline wakes it
}

// --- Thread life cycle ---------------------------------------------------------------------

libk::Result<Thread*, ThreadError> Scheduler::create(libk::StringView name, Thread::Entry entry,
                                                     void* arg, const ThreadOptions& options) {
  // Memory first, outside the lock: on failure nothing is half-made.
  auto* t = new (heap::nothrow) Thread();
  if (t == nullptr) return libk::unexpected(ThreadError::OutOfMemory);
  auto stack = stacks::allocate(options.stack_size);
  if (!stack) {
    delete t;
    return libk::unexpected(ThreadError::OutOfMemory);
  }
  t->set_name(name);
  t->stack_ = *stack;
  t->entry_ = entry;
  t->arg_ = arg;
  {
    SpinLockGuard guard(scheduler_lock);
    t->detached_ = options.detached;
    t->saved_sp_ = hal::context::prepare(stack->top(), thread_start, t);
    run_queue.set_priority(*t, options.priority, options.slice_ns);
    t->id_ = next_id++;
    all_threads.push_back(*t);
    ++counters.threads_created;
    ++counters.threads_live;
    t->set_state(ThreadState::Ready);
    run_queue.enqueue(*t);
    if (run_queue.should_preempt(*current_thread, *t)) request_resched();
  }
  preempt_if_needed();
  return t;
}

void Scheduler::exit(i64 status) {
  SpinLockGuard guard(scheduler_lock);
  Thread& self = *current_thread;
  if (&self == &main_thread || &self == &idle_thread)
    PANIC("thread {} \"{}\" cannot exit: the boot and idle threads run forever", self.id_,
          self.name());
  self.exit_status_ = status;
  self.set_state(ThreadState::Exited);
  while (sched::Entity* joiner = self.joiners_.pop()) wake_locked(as_thread(*joiner));
  if (self.detached_) {
    VERIFY(exited_detached == nullptr);  // every switch-in frees the previous one
    exited_detached = &self;
  }
  switch_locked();
  PANIC("exited thread {} was switched to", self.id_);
}

i64 Scheduler::join(Thread& t) {
  check_can_block("join");
  i64 status;
  {
    SpinLockGuard guard(scheduler_lock);
    Thread& self = *current_thread;
    if (&t == &self || t.detached_ || t.joining_ || &t == &main_thread || &t == &idle_thread)
      PANIC(
          "thread {} \"{}\" cannot join thread {} \"{}\" (itself, detached, a system thread, "
          "or joined twice)",
          self.id_, self.name(), t.id_, t.name());
    t.joining_ = true;
    while (t.state_ != ThreadState::Exited) {
      t.joiners_.add(self);
      block_locked();
    }
    status = t.exit_status_;
    free_thread(t);
  }
  return status;
}

void Scheduler::detach(Thread& t) {
  SpinLockGuard guard(scheduler_lock);
  if (t.joining_ || t.detached_) PANIC("thread {} is already joined or detached", t.id_);
  if (t.state_ == ThreadState::Exited) {
    free_thread(t);  // it has switched away for good: nobody is on its stack
    return;
  }
  t.detached_ = true;
}

// Lock held. `t` has exited and no CPU is on its stack.
void Scheduler::free_thread(Thread& t) {
  scheduler_lock.assert_held();
  VERIFY(t.state_ == ThreadState::Exited);
  all_threads.remove(t);
  --counters.threads_live;
  stacks::free(t.stack_);
  delete &t;
}

void Scheduler::set_priority(Thread& t, sched::Priority priority, u64 slice_ns) {
  {
    SpinLockGuard guard(scheduler_lock);
    sched::Priority old = t.priority();
    run_queue.set_priority(t, priority, slice_ns);
    if (&t == current_thread) {
      arm_slice_timer_locked(t);
      // Lowered: a waiting thread may now come first (the switch re-decides; if none does,
      // the current thread goes on behind its new equals).
      if (t.priority() < old && run_queue.runnable() > 0) request_resched();
    } else if (t.state_ == ThreadState::Ready && run_queue.should_preempt(*current_thread, t)) {
      request_resched();
    }
  }
  preempt_if_needed();
}

// --- Start-up, idle, accessors ----------------------------------------------------------------

// Where every new thread begins (hal::context::prepare's entry), switched to from
// switch_locked() in another thread: the scheduler lock is held and interrupts are off.
void Scheduler::thread_start(void* arg) {
  finish_switch_locked();
  scheduler_lock.unlock();
  hal::interrupts::enable();
  Thread& self = *static_cast<Thread*>(arg);
  self.entry_(self.arg_);
  exit(0);
}

// Runs when nothing else can. Interrupts are checked-and-halted atomically (sti; hlt), and
// an interrupt that wakes a thread preempts the idle thread on its way out.
void Scheduler::idle_loop(void*) {
  for (;;) {
    hal::interrupts::disable();
    bool work;
    {
      SpinLockGuard guard(scheduler_lock);  // restores "disabled": no wake-up slips in
      work = run_queue.runnable() > 0;
    }
    if (work) {
      hal::interrupts::enable();
      yield();
      continue;
    }
    hal::interrupts::wait();
  }
}

void Scheduler::init() {
  VERIFY(current_thread == nullptr);
  // The idle thread's stack also holds the frames of the interrupts that arrive while the
  // CPU idles: the default size.
  auto stack = stacks::allocate();
  if (!stack) PANIC("scheduler: no memory for the idle thread's stack");
  {
    SpinLockGuard guard(scheduler_lock);
    main_thread.set_name("main");
    main_thread.id_ = next_id++;
    main_thread.stack_ = memory::boot_stack();  // never freed: main runs forever
    main_thread.state_ = ThreadState::Ready;
    all_threads.push_back(main_thread);

    idle_thread.set_name("idle");
    idle_thread.id_ = 0;
    idle_thread.stack_ = *stack;
    idle_thread.entry_ = idle_loop;
    idle_thread.saved_sp_ = hal::context::prepare(stack->top(), thread_start, &idle_thread);
    idle_thread.state_ = ThreadState::Ready;
    all_threads.push_back(idle_thread);

    // main becomes the running thread the regular way, which gives it its first slice.
    run_queue.enqueue(main_thread);
    VERIFY(&run_queue.pick_next() == &main_thread);
    main_thread.set_state(ThreadState::Running);
    last_account_ns = time::now_ns();
    current_thread = &main_thread;
    arm_slice_timer_locked(main_thread);
  }
  interrupts::set_exit_hook(on_interrupt_exit);
  crash::set_stack_finder(find_stack_for_crash_report);  // names a thread whose stack overflowed
  log::info("sched: threads on, slice {} us at default priority, idle stack at {:#x}",
            sched::kDefaultSliceNs / 1000, stack->base);
}

bool Scheduler::running() { return current_thread != nullptr; }

Thread& Scheduler::current() {
  VERIFY(current_thread != nullptr);
  return *current_thread;
}

void Scheduler::check_can_block(const char* what) {
  if (current_thread == nullptr) PANIC("{}: blocking before the scheduler runs", what);
  if (!hal::interrupts::enabled())
    PANIC(
        "{}: thread {} \"{}\" would block with interrupts disabled (interrupt handler or "
        "spinlock held)",
        what, current_thread->id_, current_thread->name());
}

u64 Scheduler::cpu_time_ns(const Thread& t) {
  SpinLockGuard guard(scheduler_lock);
  u64 charged = t.runtime_ns();
  return &t == current_thread ? charged + (time::now_ns() - last_account_ns) : charged;
}

SchedulerStats Scheduler::stats() {
  SpinLockGuard guard(scheduler_lock);
  SchedulerStats s = counters;
  s.idle_ns = idle_thread.runtime_ns();
  return s;
}

void Scheduler::for_each(void (*visit)(const Thread& t, void* context), void* context) {
  SpinLockGuard guard(scheduler_lock);
  for (Thread& t : all_threads) visit(t, context);
}

// Without the lock, on purpose: a crash report may run while this CPU holds it.
const Thread* Scheduler::thread_with_stack_at(u64 address) NO_THREAD_SAFETY_ANALYSIS {
  for (Thread& t : all_threads)
    if (t.stack_or_guard_holds(address)) return &t;
  return nullptr;
}

bool Scheduler::find_stack_for_crash_report(u64 address, crash::KnownStack& out) {
  static constinit char name[64] = {};
  const Thread* t = thread_with_stack_at(address);
  if (t == nullptr) return false;
  libk::format_into(name, sizeof(name), "stack of thread {} \"{}\"", t->id_, t->name());
  out = {name, t->stack_.base, t->stack_.top(), true};
  return true;
}

}  // namespace kernel
