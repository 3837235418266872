#include "sched/scheduler.hpp"

#include <hal/context.hpp>
#include <hal/fpu.hpp>
#include <hal/gdt.hpp>
#include <hal/interrupts.hpp>
#include <hal/registers.hpp>
#include <libk/atomic.hpp>
#include <libk/utility.hpp>
#include <sched/balance.hpp>
#include <sched/run_queue.hpp>

#include "cpu/ipi.hpp"
#include "cpu/percpu.hpp"
#include "interrupts.hpp"
#include "log.hpp"
#include "memory/heap.hpp"
#include "memory/memory.hpp"
#include "memory/vm.hpp"
#include "panic.hpp"
#include "time.hpp"
#include "timers.hpp"

namespace kernel {

constinit SpinLock scheduler_lock{"scheduler", lock_rank::kScheduler};

namespace {

using sched::ThreadState;

// One CPU's scheduling state. Its running thread is Cpu::current (cpu/percpu.hpp), which
// one GS load reads, so a thread finds itself without the lock.
struct CpuSched {
  Thread idle_thread;
  sched::RunQueue run_queue GUARDED_BY(scheduler_lock){idle_thread};
  // A time slice ended or a wake-up outranks the running thread. Set under the lock (by any
  // CPU), read without it by this CPU where a switch may happen (interrupt exit,
  // preempt_if_needed).
  libk::Atomic<bool> need_resched{false};
  // The thread whose wake-up set need_resched, if that is why (statistics).
  Thread* preempt_for GUARDED_BY(scheduler_lock) = nullptr;
  u64 last_account_ns GUARDED_BY(scheduler_lock) = 0;  // CPU time up to here is charged
  libk::Timer slice_timer GUARDED_BY(scheduler_lock);
  // A detached thread that exited here; retired by the next thread to run here (it cannot
  // free its own stack while running on it).
  Thread* exited_detached GUARDED_BY(scheduler_lock) = nullptr;
  bool online GUARDED_BY(scheduler_lock) = false;  // takes threads
  SchedulerStats stats GUARDED_BY(scheduler_lock){};
};

constinit PerCpu<CpuSched> cpus;
constinit Thread main_thread;  // the boot context, adopted by init()
constinit libk::IntrusiveList<Thread, AllThreadsTag> all_threads GUARDED_BY(scheduler_lock);
// Threads that exited and were retired: their stacks and objects are freed by reap(),
// outside the lock (freeing a stack unmaps it, which may wait for other CPUs).
constinit libk::IntrusiveList<Thread, AllThreadsTag> dead_threads GUARDED_BY(scheduler_lock);
constinit ThreadId next_id GUARDED_BY(scheduler_lock) = 1;
constinit u64 threads_created GUARDED_BY(scheduler_lock) = 0;
constinit u64 threads_live GUARDED_BY(scheduler_lock) = 0;

Thread& as_thread(sched::Entity& e) { return static_cast<Thread&>(e); }

// Interrupts off (or the lock held): the caller stays on this CPU.
CpuSched& local() { return cpus.local(); }
Thread* current_on(u32 cpu) { return cpu_at(cpu).current; }
Thread& current_here() { return *this_cpu_current(); }

void request_resched(CpuSched& c) { c.need_resched.store(true, libk::MemoryOrder::Relaxed); }

// What placement and stealing know of every CPU (sched::CpuLoad), under the lock.
u32 snapshot_loads(sched::CpuLoad (&loads)[kMaxCpus]) REQUIRES(scheduler_lock) {
  u32 n = cpu_count();
  for (u32 i = 0; i < n; ++i) {
    CpuSched& c = cpus.of(i);
    Thread* running = current_on(i);
    bool idle = running == nullptr || running == &c.idle_thread;
    loads[i] = {c.online, idle, c.run_queue.runnable(),
                idle ? sched::Priority(0) : running->priority()};
  }
  return n;
}

}  // namespace

// --- Switching ------------------------------------------------------------------------------

// True if `t` is another CPU's running thread: picking it here would run it twice.
bool Scheduler::running_elsewhere_locked(const Thread& t, u32 self) {
  for (u32 i = 0; i < cpu_count(); ++i)
    if (i != self && current_on(i) == &t) return true;
  return false;
}

void Scheduler::account_locked() {
  scheduler_lock.assert_held();
  CpuSched& c = local();
  u64 now = time::now_ns();
  c.run_queue.charge(current_here(), now - c.last_account_ns);
  c.last_account_ns = now;
}

// The next thread for this CPU: its own run queue's choice, or a thread taken from another
// CPU when its own queue is empty.
Thread& Scheduler::pick_next_locked() {
  CpuSched& c = local();
  if (c.run_queue.runnable() == 0) steal_locked();
  return as_thread(c.run_queue.pick_next());
}

// Runs the next thread. The current thread's next state is already decided: still Running
// (preempted or yielding: it goes back on a run queue), Blocked (on a wait list or sleeping)
// or Exited. Returns when the current thread is picked again, possibly on another CPU.
void Scheduler::switch_locked() {
  scheduler_lock.assert_held();
  Thread* prev = &current_here();
  u32 self = this_cpu_index();
  account_locked();
  if (prev->state_ == ThreadState::Running) {
    prev->set_state(ThreadState::Ready);
    // Preempted or yielding: it keeps this CPU if it may (ignored for the idle thread, which
    // is never queued).
    make_runnable_locked(*prev, self, /*keep_cpu=*/true);
  }
  CpuSched& c = local();
  Thread& next = pick_next_locked();
  DEBUG_ASSERT(!running_elsewhere_locked(next, self));
  next.set_state(ThreadState::Running);
  next.set_cpu(self);
  if (&next == c.preempt_for) ++c.stats.wake_preemptions;
  c.preempt_for = nullptr;
  c.need_resched.store(false, libk::MemoryOrder::Relaxed);
  arm_slice_timer_locked(next);
  if (&next == prev) return;
  enter_address_space_locked(next);
  this_cpu().current = &next;
  ++next.switches_;
  ++c.stats.switches;
  switch_fpu_state_locked(*prev, next);
  hal_context_switch(&prev->saved_sp_, next.saved_sp_);
  // `prev` runs again here, switched back to by some thread, maybe on another CPU.
  finish_switch_locked();
}

// Eager FPU switching (docs/processes.md, "FPU state"): the registers hold the state of
// the last thread with an area that ran here (kernel code never changes them), so saving
// `prev`'s and loading `next`'s keeps every such thread's state its own. A thread without an
// area sees whatever is there and must not use it (kernel threads never do).
void Scheduler::switch_fpu_state_locked(Thread& prev, Thread& next) {
  scheduler_lock.assert_held();
  if (prev.fpu_area_ != nullptr) hal::fpu::save(prev.fpu_area_);
  if (next.fpu_area_ != nullptr) hal::fpu::restore(next.fpu_area_);
}

// A save area of hal::fpu::area_size() bytes, 64-byte aligned, in the clean state (FNINIT's
// x87 state, MXCSR 0x1F80, vector registers zero): never a previous owner's values.
bool Scheduler::allocate_fpu_area(Thread& t) {
  constexpr u64 kHeapAlignment = 16;
  void* block = heap::allocate(hal::fpu::area_size() + hal::fpu::kAreaAlignment - kHeapAlignment);
  if (block == nullptr) return false;
  u64 aligned = libk::align_up(reinterpret_cast<u64>(block), u64{hal::fpu::kAreaAlignment});
  t.fpu_block_ = block;
  t.fpu_area_ = reinterpret_cast<void*>(aligned);
  hal::fpu::init_area(t.fpu_area_);
  return true;
}

// Makes this CPU ready to run `next`: its page tables in CR3 (the kernel's for a kernel
// thread, so that no CPU keeps using the tables of a process that is being torn down), and for
// a user thread its kernel stack as the one ring 3 enters on (TSS.RSP0 for interrupts, the
// per-CPU slot for SYSCALL). A CR3 write flushes the non-global TLB entries, which are all
// user pages: no shootdown is needed when a process's thread moves between CPUs.
// A kernel thread (the idle thread too) uses only the kernel half, which every address space
// shares, so with `lazy` it keeps whatever tables are loaded ("lazy TLB", as Linux does):
// when the process that ran before it comes back to this CPU, nothing is reloaded and its
// translations are still cached. Under QEMU's TCG every CR3 write drops the whole software
// TLB, and a pipe's reader and writer blocking in turn on two CPUs went through the idle
// thread, and a reload of every page they touched, at every block. The tables kept must
// stay valid: forget_address_space takes them back before they are freed, and TLB
// shootdowns reach every CPU, lazy ones included.
void Scheduler::enter_address_space_locked(Thread& next, bool lazy) {
  scheduler_lock.assert_held();
  Cpu& cpu = this_cpu();
  u64 root = next.address_space_;
  if (root == 0) root = lazy && cpu.loaded_root != 0 ? cpu.loaded_root : vm::kernel_root();
  if (cpu.loaded_root != root) {
    hal::Cr3(0).set_base(root).write();
    __atomic_store_n(&cpu.loaded_root, root, __ATOMIC_RELEASE);
  }
  if (next.address_space_ != 0) {
    hal::gdt::set_rsp0(*cpu.tables, next.stack_top());
    cpu.kernel_stack_top = next.stack_top();
  }
}

void Scheduler::leave_address_space() {
  SpinLockGuard guard(scheduler_lock);
  Thread& self = current_here();
  self.address_space_ = 0;
  enter_address_space_locked(self, /*lazy=*/false);  // off them for good: they will be freed
}

namespace {

// On a CPU asked by forget_address_space: if it still holds `root`, the kernel's tables.
// Interrupts are off, so no switch here is half-way through choosing its tables.
void drop_root(void* arg) {
  Cpu& cpu = this_cpu();
  if (cpu.loaded_root != *static_cast<const u64*>(arg)) return;
  hal::Cr3(0).set_base(vm::kernel_root()).write();
  __atomic_store_n(&cpu.loaded_root, vm::kernel_root(), __ATOMIC_RELEASE);
}

}  // namespace

// No thread of `root` runs any more, so the set of CPUs holding it only shrinks: one seen not
// holding it never will again, and one seen holding it is asked (and checks again).
void Scheduler::forget_address_space(u64 root) {
  u64 others = 0;
  {
    hal::interrupts::Guard off;  // this CPU's answer stays true while it is read
    u32 self = this_cpu_index();
    for (u32 i = 0; i < cpu_count(); ++i) {
      if (__atomic_load_n(&cpu_at(i).loaded_root, __ATOMIC_ACQUIRE) != root) continue;
      if (i == self)
        drop_root(&root);
      else
        others |= u64{1} << i;
    }
  }
  if (others != 0) ipi::call_on(others, drop_root, &root);
}

// Whatever a thread must do right after it was switched to (also run by new threads): the
// thread that exited on this CPU before it is off its stack now.
void Scheduler::finish_switch_locked() {
  scheduler_lock.assert_held();
  CpuSched& c = local();
  if (c.exited_detached != nullptr && c.exited_detached != &current_here()) {
    retire_locked(*c.exited_detached);
    c.exited_detached = nullptr;
  }
}

// Puts a thread that may run onto a CPU's run queue: with `keep_cpu` (a preempted or yielding
// thread) this CPU's if it may run here, otherwise wherever sched::place says (a woken or new
// thread: an idle CPU first). Then makes the chosen CPU switch if the thread should preempt
// there, and wakes an idle CPU to take work if this one now has more than it can run.
void Scheduler::make_runnable_locked(Thread& t, u32 last_cpu, bool keep_cpu) {
  scheduler_lock.assert_held();
  u32 self = this_cpu_index();
  u32 target = self;
  if (!keep_cpu || !t.may_run_on(self)) {
    sched::CpuLoad loads[kMaxCpus];
    u32 n = snapshot_loads(loads);
    target = sched::place({loads, n}, last_cpu, t.affinity(), t.priority());
    if (target == sched::kNoCpu) target = self;  // its only CPU went away: run here
  }
  t.set_cpu(target);
  cpus.of(target).run_queue.enqueue(t);
  if (&t != current_on(target)) request_preemption_locked(target, t);
  if (target == self && cpus.of(self).run_queue.runnable() > 1) kick_idle_cpu_locked();
}

void Scheduler::request_preemption_locked(u32 cpu, Thread& woken) {
  CpuSched& c = cpus.of(cpu);
  Thread* running = current_on(cpu);
  if (running == nullptr || !c.run_queue.should_preempt(*running, woken)) return;
  c.preempt_for = &woken;
  request_resched(c);
  if (cpu != this_cpu_index()) ipi::reschedule(cpu);
}

// Wakes one idle CPU (if any) so that it takes a waiting thread from a busy one.
void Scheduler::kick_idle_cpu_locked() {
  u32 self = this_cpu_index();
  for (u32 i = 0; i < cpu_count(); ++i) {
    CpuSched& c = cpus.of(i);
    if (i == self || !c.online || current_on(i) != &c.idle_thread) continue;
    if (c.need_resched.exchange(true, libk::MemoryOrder::Relaxed)) return;  // already asked
    ipi::reschedule(i);
    return;
  }
}

// An idle CPU takes a waiting thread from the CPU with the most (sched::pick_victim).
bool Scheduler::steal_locked() {
  u32 self = this_cpu_index();
  sched::CpuLoad loads[kMaxCpus];
  u32 n = snapshot_loads(loads);
  u32 victim = sched::pick_victim({loads, n}, self);
  if (victim == sched::kNoCpu) return false;
  sched::Entity* e = cpus.of(victim).run_queue.steal_for(self);
  if (e == nullptr) return false;
  CpuSched& c = local();
  e->set_cpu(self);
  c.run_queue.enqueue(*e);
  ++c.stats.migrations;
  return true;
}

// The slice timer only needs to fire no later than the running thread's slice ends. If it
// is armed for earlier, it stays: on_slice_timer finds the slice not over and re-arms.
// This keeps timer reprogramming off the common switch path (a yield ping-pong re-arms
// about once per slice, not once per switch).
void Scheduler::arm_slice_timer_locked(Thread& next) {
  scheduler_lock.assert_held();
  CpuSched& c = local();
  u64 left = c.run_queue.slice_left_ns(next);
  if (left == 0) return;  // the idle thread: no slice (a pending slice timer is harmless)
  u64 deadline = c.last_account_ns + left;
  if (c.slice_timer.armed()) {
    if (c.slice_timer.deadline <= deadline) return;
    timers::cancel(c.slice_timer);
  }
  timers::arm(c.slice_timer, deadline, on_slice_timer, nullptr);
}

// Interrupt context, on the CPU whose slice timer it is.
void Scheduler::on_slice_timer(libk::Timer&, void*) {
  SpinLockGuard guard(scheduler_lock);
  account_locked();
  CpuSched& c = local();
  if (c.run_queue.slice_expired(current_here())) {
    request_resched(c);
    ++c.stats.slice_expiries;
  } else {
    arm_slice_timer_locked(current_here());
  }
}

void Scheduler::on_interrupt_exit() {
  if (this_cpu_current() == nullptr) return;
  if (!local().need_resched.load(libk::MemoryOrder::Relaxed)) return;
  SpinLockGuard guard(scheduler_lock);
  switch_locked();
}

// Interrupts off means the caller is not preemptible (an interrupt handler, or code that
// disabled them on purpose): the switch waits for the interrupt exit or the next chance.
void Scheduler::preempt_if_needed() {
  if (!hal::interrupts::enabled() || this_cpu_current() == nullptr) return;
  bool needed;
  {
    hal::interrupts::Guard stay_here;
    needed = local().need_resched.load(libk::MemoryOrder::Relaxed);
  }
  if (needed) yield();
}

void Scheduler::yield() {
  SpinLockGuard guard(scheduler_lock);
  switch_locked();
}

// --- Blocking and waking ------------------------------------------------------------------

bool Scheduler::block_locked(u64 deadline_ns) {
  scheduler_lock.assert_held();
  Thread& self = current_here();
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
  VERIFY(t.state_ == ThreadState::Blocked);  // a running or queued thread cannot be woken
  t.set_state(ThreadState::Ready);
  t.woken_at_ns_ = time::now_ns();
  ++local().stats.wakeups;
  make_runnable_locked(t, t.cpu(), /*keep_cpu=*/false);
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
  reap();
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
  t->process_ = options.process;
  if ((options.fpu_state || options.address_space != 0) && !allocate_fpu_area(*t)) {
    stacks::free(*stack);
    delete t;
    return libk::unexpected(ThreadError::OutOfMemory);
  }
  if (options.fpu_copy != nullptr && t->fpu_area_ != nullptr)
    __builtin_memcpy(t->fpu_area_, options.fpu_copy, hal::fpu::area_size());
  {
    SpinLockGuard guard(scheduler_lock);
    t->detached_ = options.detached;
    t->address_space_ = options.address_space;
    t->saved_sp_ = hal::context::prepare(stack->top(), thread_start, t);
    t->set_affinity(options.cpu);
    local().run_queue.set_priority(*t, options.priority, options.slice_ns);
    t->id_ = next_id++;
    all_threads.push_back(*t);
    ++threads_created;
    ++threads_live;
    t->set_state(ThreadState::Ready);
    make_runnable_locked(*t, this_cpu_index(), /*keep_cpu=*/false);
  }
  preempt_if_needed();
  return t;
}

void Scheduler::exit(i64 status) {
  SpinLockGuard guard(scheduler_lock);
  Thread& self = current_here();
  if (&self == &main_thread || self.is_idle_)
    PANIC("thread {} \"{}\" cannot exit: the boot and idle threads run forever", self.id_,
          self.name());
  self.exit_status_ = status;
  self.set_state(ThreadState::Exited);
  while (sched::Entity* joiner = self.joiners_.pop()) wake_locked(as_thread(*joiner));
  if (self.detached_) {
    VERIFY(local().exited_detached == nullptr);  // every switch-in here retires the previous one
    local().exited_detached = &self;
  }
  switch_locked();
  PANIC("exited thread {} was switched to", self.id_);
}

i64 Scheduler::join(Thread& t) {
  check_can_block("join");
  i64 status;
  {
    SpinLockGuard guard(scheduler_lock);
    Thread& self = current_here();
    if (&t == &self || t.detached_ || t.joining_ || &t == &main_thread || t.is_idle_)
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
    // It switched away for good before we could take the lock: nobody is on its stack.
    all_threads.remove(t);
  }
  destroy(t);
  return status;
}

void Scheduler::detach(Thread& t) {
  {
    SpinLockGuard guard(scheduler_lock);
    if (t.joining_ || t.detached_) PANIC("thread {} is already joined or detached", t.id_);
    if (t.state_ != ThreadState::Exited) {
      t.detached_ = true;
      return;
    }
    all_threads.remove(t);  // it has switched away for good: nobody is on its stack
  }
  destroy(t);
}

// Lock held. `t` has exited and no CPU is on its stack: off the thread list, onto the list
// reap() frees (it stays counted as live until then).
void Scheduler::retire_locked(Thread& t) {
  scheduler_lock.assert_held();
  VERIFY(t.state_ == ThreadState::Exited);
  all_threads.remove(t);
  dead_threads.push_back(t);
}

// Frees a retired thread's stack and object. Without the scheduler lock: unmapping the
// stack may wait for the other CPUs to flush their TLBs. It stops counting as live only
// when its memory is back, so a caller that waits for threads_live sees the memory freed.
void Scheduler::destroy(Thread& t) {
  stacks::free(t.stack_);
  heap::free(t.fpu_block_);
  delete &t;
  SpinLockGuard guard(scheduler_lock);
  --threads_live;
}

void Scheduler::reap() {
  for (;;) {
    Thread* t;
    {
      SpinLockGuard guard(scheduler_lock);
      t = static_cast<Thread*>(dead_threads.pop_front());
    }
    if (t == nullptr) return;
    destroy(*t);
  }
}

void Scheduler::set_priority(Thread& t, sched::Priority priority, u64 slice_ns) {
  {
    SpinLockGuard guard(scheduler_lock);
    u32 cpu = t.cpu();
    CpuSched& c = cpus.of(cpu);
    sched::Priority old = t.priority();
    c.run_queue.set_priority(t, priority, slice_ns);
    if (&t == current_on(cpu)) {
      if (cpu == this_cpu_index()) arm_slice_timer_locked(t);
      // Lowered: a waiting thread may now come first (the switch re-decides; if none does,
      // the current thread goes on behind its new equals).
      if (t.priority() < old && c.run_queue.runnable() > 0) {
        request_resched(c);
        if (cpu != this_cpu_index()) ipi::reschedule(cpu);
      }
    } else if (t.state_ == ThreadState::Ready) {
      request_preemption_locked(cpu, t);
    }
  }
  preempt_if_needed();
}

bool Scheduler::set_affinity(Thread& t, u32 cpu) {
  {
    SpinLockGuard guard(scheduler_lock);
    if (cpu != sched::kAnyCpu && (cpu >= cpu_count() || !cpus.of(cpu).online)) return false;
    t.set_affinity(cpu);
    u32 on = t.cpu();
    if (t.may_run_on(on)) return true;
    if (t.state_ == ThreadState::Ready) {  // queued where it may no longer run: move it
      cpus.of(on).run_queue.remove(t);
      make_runnable_locked(t, on, /*keep_cpu=*/false);
    } else if (&t == current_on(on)) {  // running there: its next switch moves it
      request_resched(cpus.of(on));
      if (on != this_cpu_index()) ipi::reschedule(on);
    }
  }
  preempt_if_needed();
  return true;
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
// an interrupt that wakes a thread preempts the idle thread on its way out; another CPU
// that queues work here sends a reschedule IPI, which is such an interrupt. An idle CPU
// also takes waiting threads from busy ones, and frees dead threads' stacks.
void Scheduler::idle_loop(void*) {
  for (;;) {
    reap();
    hal::interrupts::disable();
    bool work;
    {
      SpinLockGuard guard(scheduler_lock);  // restores "disabled": no wake-up slips in
      work = local().run_queue.runnable() > 0 || steal_locked();
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
  VERIFY(this_cpu_current() == nullptr);
  // The idle thread's stack also holds the frames of the interrupts that arrive while the
  // CPU idles: the default size.
  auto stack = stacks::allocate();
  if (!stack) PANIC("scheduler: no memory for the idle thread's stack");
  CpuSched& c = local();
  {
    SpinLockGuard guard(scheduler_lock);
    main_thread.set_name("main");
    main_thread.id_ = next_id++;
    main_thread.stack_ = memory::boot_stack();  // never freed: main runs forever
    main_thread.state_ = ThreadState::Ready;
    all_threads.push_back(main_thread);

    Thread& idle = c.idle_thread;
    idle.set_name("idle");
    idle.id_ = 0;
    idle.is_idle_ = true;
    idle.set_affinity(0);
    idle.stack_ = *stack;
    idle.entry_ = idle_loop;
    idle.saved_sp_ = hal::context::prepare(stack->top(), thread_start, &idle);
    idle.state_ = ThreadState::Ready;
    all_threads.push_back(idle);

    // main becomes the running thread the regular way, which gives it its first slice.
    c.online = true;
    c.run_queue.enqueue(main_thread);
    VERIFY(&c.run_queue.pick_next() == &main_thread);
    main_thread.set_state(ThreadState::Running);
    c.last_account_ns = time::now_ns();
    this_cpu().current = &main_thread;
    arm_slice_timer_locked(main_thread);
  }
  interrupts::set_exit_hook(on_interrupt_exit);
  crash::set_stack_finder(find_stack_for_crash_report);  // names a thread whose stack overflowed
  log::info("sched: threads on, slice {} us at default priority, idle stack at {:#x}",
            sched::kDefaultSliceNs / 1000, stack->base);
}

void Scheduler::run_this_cpu() {
  u32 self = this_cpu_index();
  CpuSched& c = local();
  {
    SpinLockGuard guard(scheduler_lock);
    Thread& idle = c.idle_thread;
    libk::format_into(idle.name_, sizeof(idle.name_), "idle/{}", self);
    idle.id_ = next_id++;
    idle.is_idle_ = true;
    idle.set_affinity(self);
    idle.set_cpu(self);
    idle.stack_ = {0, 0};  // the AP's start-up stack, which the CPU code owns
    idle.state_ = ThreadState::Running;
    all_threads.push_back(idle);
    c.last_account_ns = time::now_ns();
    this_cpu().current = &idle;
    c.online = true;
  }
  hal::interrupts::enable();
  idle_loop(nullptr);
}

bool Scheduler::running() { return this_cpu_current() != nullptr; }

Thread& Scheduler::current() {
  Thread* t = this_cpu_current();
  VERIFY(t != nullptr);
  return *t;
}

void Scheduler::check_can_block(const char* what) {
  Thread* self = this_cpu_current();
  if (self == nullptr) PANIC("{}: blocking before the scheduler runs", what);
  if (!hal::interrupts::enabled())
    PANIC(
        "{}: thread {} \"{}\" would block with interrupts disabled (interrupt handler or "
        "spinlock held)",
        what, self->id_, self->name());
}

u64 Scheduler::cpu_time_ns(const Thread& t, u64 now) {
  SpinLockGuard guard(scheduler_lock);
  u64 charged = t.runtime_ns();
  if (t.state_ != ThreadState::Running || current_on(t.cpu()) != &t) return charged;
  u64 since = cpus.of(t.cpu()).last_account_ns;
  return charged + (now > since ? now - since : 0);
}

SchedulerStats Scheduler::stats_of_cpu(u32 cpu) {
  SpinLockGuard guard(scheduler_lock);
  SchedulerStats s = cpus.of(cpu).stats;
  s.idle_ns = cpus.of(cpu).idle_thread.runtime_ns();
  s.threads_created = threads_created;
  s.threads_live = threads_live;
  return s;
}

SchedulerStats Scheduler::stats() {
  SpinLockGuard guard(scheduler_lock);
  SchedulerStats sum{};
  for (u32 i = 0; i < cpu_count(); ++i) {
    const SchedulerStats& s = cpus.of(i).stats;
    sum.switches += s.switches;
    sum.slice_expiries += s.slice_expiries;
    sum.wakeups += s.wakeups;
    sum.wake_preemptions += s.wake_preemptions;
    sum.migrations += s.migrations;
    sum.idle_ns += cpus.of(i).idle_thread.runtime_ns();
  }
  sum.threads_created = threads_created;
  sum.threads_live = threads_live;
  return sum;
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

void Scheduler::switch_address_space(u64 root) {
  VERIFY(root != 0);
  SpinLockGuard guard(scheduler_lock);
  Thread& self = current_here();
  VERIFY(self.address_space_ != 0);
  self.address_space_ = root;
  enter_address_space_locked(self);
}

}  // namespace kernel
