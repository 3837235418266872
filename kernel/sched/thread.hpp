// Kernel threads. Each has its own kernel stack (with an unmapped guard page below it,
// kernel/memory/stacks.hpp), a name, a state (libk/include/sched/thread_state.hpp) and the
// CPU time it has used; the scheduler (scheduler.hpp) decides when it runs. See
// docs/scheduling.md.
//
//   auto worker = thread::create("worker", work, &job);
//   if (!worker) ...                       // out of memory: an error value, nothing leaked
//   i64 status = thread::join(*worker.value());
//
// A thread ends by returning from its entry function (status 0) or by calling
// thread::exit(status). Every thread must be joined exactly once, or detached; join frees
// its stack and object.
#pragma once

#include <libk/intrusive_list.hpp>
#include <libk/result.hpp>
#include <libk/string_view.hpp>
#include <libk/thread_safety.hpp>
#include <libk/timer_queue.hpp>
#include <sched/entity.hpp>
#include <sched/thread_state.hpp>
#include <sched/wait_list.hpp>

#include "memory/stacks.hpp"
#include "sched/scheduler_lock.hpp"

namespace kernel {

using ThreadId = u64;
struct AllThreadsTag {};

class Thread : public sched::Entity, public libk::ListNode<AllThreadsTag> {
 public:
  using Entry = void (*)(void* arg);
  static constexpr usize kNameCapacity = 32;  // longer names are cut

  constexpr Thread() = default;
  Thread(const Thread&) = delete;
  Thread& operator=(const Thread&) = delete;

  // Set once, before the thread is visible to others.
  ThreadId id() const { return id_; }
  libk::StringView name() const { return libk::StringView(name_); }
  // The accessors below read scheduler state without the lock: a snapshot, exact only for
  // a caller that holds the scheduler lock (for_each visitors do) or for the thread itself.
  sched::ThreadState state() const NO_THREAD_SAFETY_ANALYSIS { return state_; }
  const char* state_name() const { return sched::state_name(state()); }
  // CPU time the thread has used, in nanoseconds: measured with the monotonic clock at
  // every switch, plus, for the running thread, the time since it was last charged.
  u64 cpu_time_ns() const;
  // The same as of `now`, a clock reading taken on this thread, interrupts off since.
  u64 cpu_time_ns_at(u64 now) const;
  // How many times the scheduler switched to it.
  u64 switches() const NO_THREAD_SAFETY_ANALYSIS { return switches_; }
  // When it was last made Ready from Blocked (monotonic ns): the wake-up latency of a
  // thread is the time from this to when it runs.
  u64 woken_at_ns() const NO_THREAD_SAFETY_ANALYSIS { return woken_at_ns_; }
  bool detached() const NO_THREAD_SAFETY_ANALYSIS { return detached_; }
  // One of the CPUs' idle threads.
  bool is_idle() const { return is_idle_; }
  // The user process the thread runs for (kernel/proc/process.hpp), or nullptr: set at
  // creation, never changed.
  void* process() const { return process_; }
  // The top-level page table it runs with: a process's, or 0 for the kernel's. Snapshot.
  u64 address_space() const NO_THREAD_SAFETY_ANALYSIS { return address_space_; }

  // Its stack: [stack_base, stack_top), the guard page is the page below stack_base. Zero
  // for the boot thread, whose stack the memory manager set up.
  u64 stack_base() const { return stack_.base; }
  u64 stack_top() const { return stack_.top(); }
  bool in_guard_page(u64 address) const;
  // Its x87/SSE/AVX save area (hal/fpu.hpp), or nullptr: user threads and threads made with
  // ThreadOptions::fpu_state have one, saved into when the thread is switched away from and
  // loaded when it is switched to. Set at creation, never changed.
  void* fpu_area() const { return fpu_area_; }
  // True if `address` is in the stack or in its guard page.
  bool stack_or_guard_holds(u64 address) const;

 private:
  friend class Scheduler;

  void set_state(sched::ThreadState next) REQUIRES(scheduler_lock);
  void set_name(libk::StringView name);

  // Set while the thread is being made, before anyone else can see it.
  ThreadId id_ = 0;
  char name_[kNameCapacity] = {};
  stacks::KernelStack stack_{0, 0};
  Entry entry_ = nullptr;
  void* arg_ = nullptr;
  bool is_idle_ = false;
  void* process_ = nullptr;
  void* fpu_block_ = nullptr;  // the heap block fpu_area_ is aligned within
  void* fpu_area_ = nullptr;
  // Loaded into CR3 whenever the thread is switched to (0: the kernel's tables), with its
  // kernel stack in TSS.RSP0 and the per-CPU SYSCALL stack. The thread itself drops it
  // (Scheduler::leave_address_space) before its process's tables are freed.
  u64 address_space_ GUARDED_BY(scheduler_lock) = 0;
  // The scheduler's, under its lock.
  sched::ThreadState state_ GUARDED_BY(scheduler_lock) = sched::ThreadState::Created;
  // While not running: its context (hal/include/hal/context.hpp).
  u64 saved_sp_ GUARDED_BY(scheduler_lock) = 0;
  i64 exit_status_ GUARDED_BY(scheduler_lock) = 0;
  bool detached_ GUARDED_BY(scheduler_lock) = false;
  // Someone called join: a second join is a bug.
  bool joining_ GUARDED_BY(scheduler_lock) = false;
  sched::WaitList joiners_ GUARDED_BY(scheduler_lock);  // the thread waiting in join()
  // The deadline of a sleep or a timed wait.
  libk::Timer wake_timer_ GUARDED_BY(scheduler_lock);
  bool timed_out_ GUARDED_BY(scheduler_lock) = false;  // the last block ended by its deadline
  u64 switches_ GUARDED_BY(scheduler_lock) = 0;
  u64 woken_at_ns_ GUARDED_BY(scheduler_lock) = 0;
};

struct ThreadOptions {
  sched::Priority priority = sched::kDefaultPriority;
  u64 slice_ns = 0;  // 0: the priority's default (sched::default_slice_ns)
  u64 stack_size = stacks::kDefaultSize;
  bool detached = false;     // freed by the scheduler when it exits; cannot be joined
  u32 cpu = sched::kAnyCpu;  // the one CPU it may run on, or any
  // A user thread: the process it belongs to and its top-level page table
  // (kernel/proc/process.hpp). 0/nullptr for kernel threads.
  u64 address_space = 0;
  void* process = nullptr;
  // Give the thread its own FPU state (always, for user threads). Kernel code never uses
  // the FPU: this is for measuring the switch cost.
  bool fpu_state = false;
  // The FPU state it starts with instead of the clean one: a save area (hal/fpu.hpp) the
  // caller keeps unchanged until create returns (fork: the parent's, saved just before).
  const void* fpu_copy = nullptr;
};

enum class ThreadError : u8 { OutOfMemory };
libk::StringView thread_error_text(ThreadError error);

namespace thread {

// Creates a thread running entry(arg) and makes it runnable; it may run before create
// returns (if its priority is higher). Context: thread.
libk::Result<Thread*, ThreadError> create(libk::StringView name, Thread::Entry entry, void* arg,
                                          const ThreadOptions& options = {});

// Ends the calling thread. Context: thread (not the boot or idle thread).
[[noreturn]] void exit(i64 status);

// Waits for `t` to end, frees it and returns its exit status. Panics if `t` is detached,
// already being joined, or the caller itself. Context: thread.
i64 join(Thread& t);

// `t` is freed by the scheduler once it ends; it must not be used afterwards.
void detach(Thread& t);

Thread& current();
void yield();
// Sleeps until the monotonic clock (kernel/time.hpp) reaches `deadline_ns`; returns at once
// if it has. Context: thread, interrupts enabled.
void sleep_until(u64 deadline_ns);
void sleep_for(u64 ns);
// Changes a thread's priority and slice (slice_ns == 0: the priority's default). Raising a
// ready thread above the caller, or lowering the caller below a ready thread, switches.
void set_priority(Thread& t, sched::Priority priority, u64 slice_ns = 0);
// Pins `t` to CPU `cpu` (sched::kAnyCpu: lets it run anywhere); it moves there at its next
// switch. False if `cpu` is not online.
bool set_affinity(Thread& t, u32 cpu);

// Calls visit(thread, context) for every live thread, under the scheduler lock (interrupts
// off): keep it short, and do not block in it.
void for_each(void (*visit)(const Thread& t, void* context), void* context);

}  // namespace thread
}  // namespace kernel
