#include "timers.hpp"

#include <hal/interrupts.hpp>
#include <libk/timer_deadline.hpp>

#include "cpu/info.hpp"
#include "interrupts.hpp"
#include "log.hpp"
#include "sync/irq_lock.hpp"
#include "time.hpp"

namespace kernel::timers {

namespace {

// Lock order: the scheduler lock before this one (the scheduler arms timers under its lock);
// callbacks run without it, so they may take the scheduler lock and arm or cancel timers.
constinit IrqLock timer_lock{"timers"};
constinit libk::TimerQueue queue GUARDED_BY(timer_lock);
constinit bool deadline_mode = false;  // set once by init()
constinit u64 fired GUARDED_BY(timer_lock) = 0;
// The deadline the hardware is armed for (kNotArmed: none), and how many timers expired
// later than a deadline the hardware had been armed for: a timer that became the earliest
// but was not programmed. Must stay 0 (checked by the in-kernel timer tests).
constexpr u64 kNotArmed = ~u64{0};
constinit u64 armed_for GUARDED_BY(timer_lock) = kNotArmed;
constinit u64 missed GUARDED_BY(timer_lock) = 0;

// Programs the hardware for the earliest deadline (libk/include/libk/timer_deadline.hpp says
// why the interrupt never comes before it).
void program() REQUIRES(timer_lock) {
  hal::LocalApic& lapic = interrupts::local_apic();
  auto next = queue.next_deadline();
  armed_for = next ? *next : kNotArmed;
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

libk::Timer* pop_expired(u64 now) {
  IrqLockGuard guard(timer_lock);
  libk::Timer* t = queue.pop_expired(now);
  if (t != nullptr && t->deadline < armed_for) ++missed;
  return t;
}

// Interrupt context. `now` is read once: a callback that re-arms its timer for a deadline
// already past runs again at the next interrupt, not in an endless loop here.
void on_timer() {
  u64 now = time::now_ns();
  while (libk::Timer* t = pop_expired(now)) t->callback(*t, t->context);
  IrqLockGuard guard(timer_lock);
  ++fired;
  program();
}

}  // namespace

void detail::set_flag(libk::Timer&, void* flag) { *static_cast<volatile bool*>(flag) = true; }

void init() {
  interrupts::set_local_handler(interrupts::kTimerVector, on_timer);
  deadline_mode = cpu::info().tsc_deadline;
  if (deadline_mode) interrupts::local_apic().enter_tsc_deadline_mode(interrupts::kTimerVector);
  log::info("timers: deadline timers on the local APIC timer in {} mode",
            deadline_mode ? "TSC-deadline" : "one-shot");
}

void arm(libk::Timer& timer, u64 deadline_ns, libk::Timer::Callback callback, void* context) {
  IrqLockGuard guard(timer_lock);
  timer.deadline = deadline_ns;
  timer.callback = callback;
  timer.context = context;
  if (queue.insert(timer)) program();
}

bool cancel(libk::Timer& timer) {
  IrqLockGuard guard(timer_lock);
  bool was_armed = queue.remove(timer);
  if (was_armed) program();
  return was_armed;
}

void sleep_ns(u64 ns) {
  if (!hal::cpu::interrupts_enabled()) return time::spin_ns(ns);
  halt_until(time::now_ns() + ns, [] { return false; });
}

bool tsc_deadline_mode() { return deadline_mode; }
u64 interrupts_seen() {
  IrqLockGuard guard(timer_lock);
  return fired;
}

u64 missed_programming() {
  IrqLockGuard guard(timer_lock);
  return missed;
}

}  // namespace kernel::timers
