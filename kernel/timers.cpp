#include "timers.hpp"

#include <hal/interrupts.hpp>

#include "cpu.hpp"
#include "interrupts.hpp"
#include "log.hpp"
#include "time.hpp"

namespace kernel::timers {

namespace {

constinit libk::TimerQueue queue;
constinit bool deadline_mode = false;
constinit u64 fired = 0;

// Programs the hardware for the earliest deadline. Interrupts disabled.
void program() {
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

void on_timer() {
  ++fired;
  u64 now = time::now_ns();
  while (libk::Timer* t = queue.pop_expired(now)) t->callback(*t, t->context);
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
  hal::interrupts::Guard guard;
  timer.deadline = deadline_ns;
  timer.callback = callback;
  timer.context = context;
  if (queue.insert(timer)) program();
}

bool cancel(libk::Timer& timer) {
  hal::interrupts::Guard guard;
  bool was_armed = queue.remove(timer);
  if (was_armed) program();
  return was_armed;
}

void sleep_ns(u64 ns) {
  if (!hal::cpu::interrupts_enabled()) return time::spin_ns(ns);
  halt_until(time::now_ns() + ns, [] { return false; });
}

bool tsc_deadline_mode() { return deadline_mode; }
u64 interrupts_seen() { return fired; }

}  // namespace kernel::timers
