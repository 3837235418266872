// One-shot deadline timers on the monotonic clock (kernel/time.hpp), driven by the local APIC
// timer: in TSC-deadline mode when the CPU has it (CPUID.1:ECX[24]), else as a one-shot
// countdown programmed for the earliest deadline. Callbacks run from the timer interrupt.
#pragma once

#include <hal/interrupts.hpp>
#include <libk/timer_queue.hpp>

namespace kernel::timers {

// Installs the timer interrupt and selects the hardware mode. Needs time::init().
void init();
// Puts this CPU's local APIC timer into the mode init() chose. Context: an AP coming up.
void init_this_cpu();

// Arms `timer` (not already armed) on this CPU's queue to call `callback(timer, context)`
// once time::now_ns() >= deadline_ns. Callbacks run on this CPU in interrupt context with
// interrupts disabled and may re-arm their timer. Context: any.
void arm(libk::Timer& timer, u64 deadline_ns, libk::Timer::Callback callback, void* context);

// Disarms `timer`, on whichever CPU's queue it is; false if it was not armed (e.g. it
// already fired). Context: any.
bool cancel(libk::Timer& timer);

// Waits at least `ns` nanoseconds, halting the CPU until a timer interrupt ends the wait.
// With interrupts disabled (e.g. in an interrupt handler) it busy-waits instead.
void sleep_ns(u64 ns);

// Halts the CPU until `ready()` returns true or time::now_ns() reaches `deadline_ns`; returns
// whether `ready()` did. `ready` runs with interrupts off, so checking it and halting are
// atomic with respect to the interrupt that makes it true. For code that waits before the
// scheduler runs (threads wait on a WaitQueue). Context: interrupts enabled.
template <typename Ready>
bool halt_until(u64 deadline_ns, Ready ready);

bool tsc_deadline_mode();
u64 interrupts_seen();
// Timers that expired after a later deadline than theirs had been programmed: the hardware
// was not re-armed when they became the earliest. A correctness counter; always 0.
u64 missed_programming();

namespace detail {
void set_flag(libk::Timer&, void* flag);  // a timer callback: *(volatile bool*)flag = true
}  // namespace detail

template <typename Ready>
bool halt_until(u64 deadline_ns, Ready ready) {
  volatile bool expired = false;
  libk::Timer timer;
  arm(timer, deadline_ns, detail::set_flag, const_cast<bool*>(&expired));
  for (;;) {
    hal::interrupts::disable();
    bool done = ready();
    if (done || expired) {
      hal::interrupts::enable();
      cancel(timer);
      return done;
    }
    hal::interrupts::wait();  // returns with interrupts enabled after the next interrupt
  }
}

}  // namespace kernel::timers
