#include "timers.hpp"

#include <hal/interrupts.hpp>
#include <libk/timer_deadline.hpp>

#include "cpu/info.hpp"
#include "cpu/percpu.hpp"
#include "interrupts.hpp"
#include "log.hpp"
#include "sync/spinlock.hpp"
#include "time.hpp"

namespace kernel::timers {

namespace {

constexpr u64 kNotArmed = ~u64{0};

// One CPU's timers: its queue and its local APIC timer, which only it can program. Other
// CPUs take `lock` to cancel a timer on the queue (a thread woken elsewhere cancels its
// wake-up timer). Lock order: the scheduler lock before this one (the scheduler arms timers
// under its lock); callbacks run without it, so they may take the scheduler lock and arm or
// cancel timers.
struct CpuTimers {
  SpinLock lock{"timers", lock_rank::kTimers};
  libk::TimerQueue queue GUARDED_BY(lock);
  u64 fired GUARDED_BY(lock) = 0;
  // The deadline the hardware is armed for (kNotArmed: none), and how many timers expired
  // later than a deadline the hardware had been armed for: a timer that became the earliest
  // but was not programmed. Must stay 0 (checked by the in-kernel timer tests).
  u64 armed_for GUARDED_BY(lock) = kNotArmed;
  u64 missed GUARDED_BY(lock) = 0;
};

constinit PerCpu<CpuTimers> cpus;
constinit bool deadline_mode = false;  // set once by init()

// Programs this CPU's timer for the earliest deadline (libk/include/libk/timer_deadline.hpp
// says why the interrupt never comes before it). A queue whose earliest timer was cancelled
// by another CPU keeps its hardware armed for the old deadline: that interrupt finds nothing
// expired and programs the next one.
void program(CpuTimers& t) REQUIRES(t.lock) {
  hal::LocalApic& lapic = interrupts::local_apic();
  auto next = t.queue.next_deadline();
  t.armed_for = next ? *next : kNotArmed;
  if (deadline_mode) {
    u64 tsc = next ? libk::tsc_deadline(time::ns_to_tsc, time::tsc_to_ns, *next) : 0;
    hal::LocalApic::set_tsc_deadline(interrupts::msrs(), tsc);  // 0 disarms
    return;
  }
  if (!next) {
    lapic.stop_timer();
    return;
  }
  u32 count = libk::one_shot_count(time::ns_to_lapic_ticks, time::now_ns(), *next);
  lapic.start_one_shot(interrupts::kTimerVector, count, hal::ApicTimerDivide::By16);
}

libk::Timer* pop_expired(CpuTimers& t, u64 now) {
  SpinLockGuard guard(t.lock);
  libk::Timer* timer = t.queue.pop_expired(now);
  if (timer != nullptr && timer->deadline < t.armed_for) ++t.missed;
  return timer;
}

// Interrupt context. `now` is read once: a callback that re-arms its timer for a deadline
// already past runs again at the next interrupt, not in an endless loop here.
void on_timer() {
  CpuTimers& t = cpus.local();
  u64 now = time::now_ns();
  while (libk::Timer* timer = pop_expired(t, now)) timer->callback(*timer, timer->context);
  SpinLockGuard guard(t.lock);
  ++t.fired;
  program(t);
}

// The CPU whose queue holds `timer`, or nullptr if it is on none.
CpuTimers* owner_of(const libk::Timer& timer) {
  const libk::TimerQueue* q = timer.queue();
  if (q == nullptr) return nullptr;
  for (u32 i = 0; i < cpu_count(); ++i) {
    CpuTimers& t = cpus.of(i);
    if (q == &t.queue) return &t;
  }
  return nullptr;
}

}  // namespace

void detail::set_flag(libk::Timer&, void* flag) { *static_cast<volatile bool*>(flag) = true; }

void init() {
  interrupts::set_local_handler(interrupts::kTimerVector, on_timer);
  deadline_mode = cpu::info().tsc_deadline;
  init_this_cpu();
  log::info("timers: deadline timers on the local APIC timer in {} mode",
            deadline_mode ? "TSC-deadline" : "one-shot");
}

void init_this_cpu() {
  if (deadline_mode) interrupts::local_apic().enter_tsc_deadline_mode(interrupts::kTimerVector);
}

void arm(libk::Timer& timer, u64 deadline_ns, libk::Timer::Callback callback, void* context) {
  hal::interrupts::SavedState irq = hal::interrupts::save_and_disable();  // stay on this CPU
  CpuTimers& t = cpus.local();
  {
    SpinLockGuard guard(t.lock);
    timer.deadline = deadline_ns;
    timer.callback = callback;
    timer.context = context;
    if (t.queue.insert(timer)) program(t);
  }
  hal::interrupts::restore(irq);
}

bool cancel(libk::Timer& timer) {
  // The timer's owner (the code that armed it) serializes arm and cancel; only the timer
  // interrupt of the queue's CPU can take it off meanwhile, which the lock settles.
  CpuTimers* t = owner_of(timer);
  if (t == nullptr) return false;
  SpinLockGuard guard(t->lock);
  if (!t->queue.remove(timer)) return false;  // it fired while we looked
  if (t == &cpus.local()) program(*t);
  return true;
}

void sleep_ns(u64 ns) {
  if (!hal::cpu::interrupts_enabled()) return time::spin_ns(ns);
  halt_until(time::now_ns() + ns, [] { return false; });
}

bool tsc_deadline_mode() { return deadline_mode; }

u64 interrupts_seen() {
  u64 n = 0;
  for (u32 i = 0; i < cpu_count(); ++i) {
    SpinLockGuard guard(cpus.of(i).lock);
    n += cpus.of(i).fired;
  }
  return n;
}

u64 missed_programming() {
  u64 n = 0;
  for (u32 i = 0; i < cpu_count(); ++i) {
    SpinLockGuard guard(cpus.of(i).lock);
    n += cpus.of(i).missed;
  }
  return n;
}

}  // namespace kernel::timers
