#include "timers.hpp"

#include <hal/interrupts.hpp>

#include "cpu.hpp"
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

// Programs the hardware for the earliest deadline.
void program() REQUIRES(timer_lock) {
  hal::LocalApic& lapic = interrupts::local_apic();
  auto next = queue.next_deadline();
  if (deadline_mode) {
    // 0 disarms; +1 rounds the inverse conversion up so the timer never fires early.
    hal::LocalApic::set_tsc_deadline(interrupts::msrs(), next ? time::ns_to_tsc(*next) + 1 : 0);
    return;
  }
  if (!next) {
    lapic.stop_timer();
    return;
  }
  u64 now = time::now_ns();
  u64 ticks = *next > now ? time::ns_to_lapic_ticks(*next - now) + 1 : 1;
  if (ticks > 0xFFFF'FFFF) ticks = 0xFFFF'FFFF;  // a far deadline: fire early, re-arm then
  lapic.start_one_shot(interrupts::kTimerVector, u32(ticks), hal::ApicTimerDivide::By16);
}

libk::Timer* pop_expired(u64 now) {
  IrqLockGuard guard(timer_lock);
  return queue.pop_expired(now);
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

}  // namespace kernel::timers
