#include "sched/thread.hpp"

#include "panic.hpp"
#include "sched/scheduler.hpp"
#include "time.hpp"

namespace kernel {

void Thread::set_state(sched::ThreadState next) {
  scheduler_lock.assert_held();
  if (!sched::can_transition(state_, next))
    PANIC("thread {} \"{}\": invalid state change {} -> {}", id_, name(), sched::state_name(state_),
          sched::state_name(next));
  state_ = next;
}

void Thread::set_name(libk::StringView name) {
  usize n = name.size() < kNameCapacity - 1 ? name.size() : kNameCapacity - 1;
  for (usize i = 0; i < n; ++i) name_[i] = name[i];
  name_[n] = '\0';
}

bool Thread::in_guard_page(u64 address) const {
  return stack_.size != 0 && address < stack_.base && address >= stack_.base - libk::kPageSize;
}

bool Thread::stack_or_guard_holds(u64 address) const {
  return stack_.size != 0 && address >= stack_.base - libk::kPageSize && address < stack_.top();
}

u64 Thread::cpu_time_ns() const { return Scheduler::cpu_time_ns(*this, time::now_ns()); }
u64 Thread::cpu_time_ns_at(u64 now) const { return Scheduler::cpu_time_ns(*this, now); }

libk::StringView thread_error_text(ThreadError error) {
  switch (error) {
    case ThreadError::OutOfMemory: return "out of memory for the thread or its stack";
  }
  return "unknown error";
}

namespace thread {

libk::Result<Thread*, ThreadError> create(libk::StringView name, Thread::Entry entry, void* arg,
                                          const ThreadOptions& options) {
  return Scheduler::create(name, entry, arg, options);
}

void exit(i64 status) { Scheduler::exit(status); }
i64 join(Thread& t) { return Scheduler::join(t); }
void detach(Thread& t) { Scheduler::detach(t); }
Thread& current() { return Scheduler::current(); }
void yield() { Scheduler::yield(); }
void sleep_until(u64 deadline_ns) { Scheduler::sleep_until(deadline_ns); }
void sleep_for(u64 ns) { Scheduler::sleep_until(time::now_ns() + ns); }

void set_priority(Thread& t, sched::Priority priority, u64 slice_ns) {
  Scheduler::set_priority(t, priority, slice_ns);
}

bool set_affinity(Thread& t, u32 cpu) { return Scheduler::set_affinity(t, cpu); }

void for_each(void (*visit)(const Thread& t, void* context), void* context) {
  Scheduler::for_each(visit, context);
}

}  // namespace thread
}  // namespace kernel
