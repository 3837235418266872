// The USB boot keyboard (HID 1.11 §4.2, Appendix B.1): reports decoded by libk (usb/hid.hpp)
// into the same key events and queue as the PS/2 keyboard (kernel/keyboard.hpp), a held key
// repeated in software with a deadline timer, and Caps/Num Lock shown on its LEDs.
//
// Contexts: reports arrive in the xHCI interrupt handler, repeats in the timer interrupt of
// the CPU that armed the timer, detach in the controller thread, possibly all on different
// CPUs; each takes the keyboard's spinlock for the decoder state and releases it before
// queueing events. LED changes are sent from the controller thread (a control transfer
// waits).
#include <usb/hid.hpp>

#include <hal/cpu.hpp>

#include "drivers/usb/drivers.hpp"
#include "keyboard.hpp"
#include "log.hpp"
#include "memory/heap.hpp"
#include "time.hpp"
#include "timers.hpp"

namespace kernel::usb {

namespace {

using ::usb::hid::KeyEvent;
using ::usb::hid::kMaxEventsPerReport;

struct Keyboard {
  SpinLock lock{"usb keyboard", lock_rank::kDevice};
  ::usb::hid::BootKeyboard decoder GUARDED_BY(lock);
  ::usb::hid::KeyRepeat repeat GUARDED_BY(lock);
  // The repeat timer is the keyboard's while this is set: about to be armed, on a CPU's
  // queue, or popped by a timer interrupt whose callback has not yet looked at the keyboard.
  // Set by whoever decides to arm it; cleared only by a callback that does not re-arm (under
  // the lock: its last touch of the keyboard) or by a cancel that took the timer off its
  // queue. Detach frees the keyboard only once it is clear.
  bool timer_armed GUARDED_BY(lock) = false;
  bool stopping GUARDED_BY(lock) = false;
  u8 leds GUARDED_BY(lock) = 0;
  u8 leds_sent = 0;  // the controller thread's
  u8 interface = 0;
  libk::Timer timer;
};

constinit HidStats stats = {};
constinit KeyLatency latency = {};

Keyboard& keyboard_of(Device& d) { return *static_cast<Keyboard*>(d.driver_state); }

void count(u64& counter, u64 n = 1) { __atomic_fetch_add(&counter, n, __ATOMIC_RELAXED); }

void on_repeat(libk::Timer& timer, void* context);

void arm(Keyboard& k, u64 deadline) { timers::arm(k.timer, deadline, on_repeat, &k); }

// Timer interrupt: one repeat if it is due, and the timer again for the next. Without a
// next deadline the keyboard may be freed as soon as the lock is released (detach waits for
// exactly that); with one, arming the timer is the last touch, and detach cancels it.
void on_repeat(libk::Timer&, void* context) {
  auto& k = *static_cast<Keyboard*>(context);
  libk::Optional<KeyEvent> event;
  libk::Optional<u64> next;
  {
    SpinLockGuard guard(k.lock);
    if (k.stopping) {
      k.timer_armed = false;
      return;
    }
    if (auto key = k.repeat.poll(time::now_ns())) event = k.decoder.repeat_event(*key);
    next = k.repeat.deadline();
    k.timer_armed = next.has_value();
  }
  if (event) {
    keyboard::submit_event(*event);
    count(stats.repeats);
  }
  if (next) arm(k, *next);
}

void note_latency(u64 start) {
  u64 cycles = hal::cpu::rdtsc() - start;
  count(latency.samples);
  count(latency.total_cycles, cycles);
  __atomic_store_n(&latency.last_cycles, cycles, __ATOMIC_RELAXED);
  u64 min = __atomic_load_n(&latency.min_cycles, __ATOMIC_RELAXED);
  while ((min == 0 || cycles < min) &&
         !__atomic_compare_exchange_n(&latency.min_cycles, &min, cycles, false, __ATOMIC_RELAXED,
                                      __ATOMIC_RELAXED)) {
  }
}

// xHCI interrupt: decode, queue the events, start the repeat timer if a key is held.
void on_report(Device& d, libk::Bytes report) {
  Keyboard& k = keyboard_of(d);
  KeyEvent events[kMaxEventsPerReport];
  usize n;
  bool start_timer = false, leds_changed;
  u64 deadline = 0;
  {
    SpinLockGuard guard(k.lock);
    n = k.decoder.feed(report, events);
    for (usize i = 0; i < n; ++i) k.repeat.on_event(events[i], time::now_ns());
    if (auto due = k.repeat.deadline(); due && !k.timer_armed && !k.stopping) {
      k.timer_armed = start_timer = true;
      deadline = *due;
    }
    leds_changed = k.decoder.leds() != k.leds;
    k.leds = k.decoder.leds();
  }
  for (usize i = 0; i < n; ++i) keyboard::submit_event(events[i]);
  if (n) note_latency(d.controller->drain_tsc());
  count(stats.keyboard_reports);
  count(stats.key_events, n);
  if (start_timer) arm(k, deadline);
  if (leds_changed) request_device_work(d);
}

// Controller thread: the lock LEDs (HID 1.11 §7.2.2 SET_REPORT, output report 0).
void keyboard_work(Device& d) {
  Keyboard& k = keyboard_of(d);
  u8 leds;
  {
    SpinLockGuard guard(k.lock);
    leds = k.leds;
  }
  if (leds == k.leds_sent) return;
  if (!control_out(d, ::usb::hid_set_report_output(k.interface, 1), {&leds, 1})) return;
  k.leds_sent = leds;
  libk::FixedString<32> path;
  d.describe_path(path.sink());
  log::debug("usb: {}: keyboard LEDs {:#x}", path.view(), leds);
}

// True once the repeat timer is on no queue and no callback will look at the keyboard again.
// With `stopping` set no one arms it anew; a callback already popped clears `timer_armed`;
// one that is about to re-arm it does so, and the next cancel takes it off.
bool repeat_timer_released(Keyboard& k) {
  {
    SpinLockGuard guard(k.lock);
    if (!k.timer_armed) return true;
  }
  return timers::cancel(k.timer);
}

// Reports no longer arrive (the device left the slot table first); the repeat timer may
// still fire on any CPU until it is released.
void keyboard_detach(Device& d) {
  Keyboard& k = keyboard_of(d);
  {
    SpinLockGuard guard(k.lock);
    k.stopping = true;
  }
  while (!repeat_timer_released(k)) hal::cpu::pause();
  VERIFY(!k.timer.armed());  // a freed timer on a queue would fire into freed memory
  delete &k;
  d.driver_state = nullptr;
}

constexpr DeviceDriver kKeyboardDriver{"HID keyboard", keyboard_work, keyboard_detach};

}  // namespace

bool attach_keyboard(Device& d, const ::usb::Interface& i) {
  auto endpoint = i.interrupt_in();
  if (!endpoint) return false;
  auto* k = new (heap::nothrow) Keyboard;
  if (!k) return false;
  k->interface = i.number;
  // Boot protocol (§7.2.6), and reports only on change (§7.2.4, SET_IDLE 0): the repeat is
  // ours. A device that refuses SET_IDLE still works (it repeats reports itself).
  if (!control_out(d, ::usb::hid_set_protocol(i.number, true))) {
    delete k;
    return false;
  }
  (void)control_out(d, ::usb::hid_set_idle(i.number, 0));
  d.driver_state = k;
  d.driver = &kKeyboardDriver;
  if (!open_interrupt_in(d, *endpoint, on_report)) {
    d.driver = nullptr;
    d.driver_state = nullptr;
    delete k;
    return false;
  }
  return true;
}

HidStats hid_stats() {
  return {__atomic_load_n(&stats.keyboard_reports, __ATOMIC_RELAXED),
          __atomic_load_n(&stats.key_events, __ATOMIC_RELAXED),
          __atomic_load_n(&stats.repeats, __ATOMIC_RELAXED),
          __atomic_load_n(&stats.mouse_reports, __ATOMIC_RELAXED),
          __atomic_load_n(&stats.mouse_buttons, __ATOMIC_RELAXED)};
}

KeyLatency key_latency() {
  return {__atomic_load_n(&latency.samples, __ATOMIC_RELAXED),
          __atomic_load_n(&latency.last_cycles, __ATOMIC_RELAXED),
          __atomic_load_n(&latency.min_cycles, __ATOMIC_RELAXED),
          __atomic_load_n(&latency.total_cycles, __ATOMIC_RELAXED)};
}

void count_mouse_report(u8 changed_buttons) {
  count(stats.mouse_reports);
  if (changed_buttons) count(stats.mouse_buttons);
}

}  // namespace kernel::usb
