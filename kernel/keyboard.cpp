#include "keyboard.hpp"

#include <hal/cpu.hpp>
#include <hal/i8042.hpp>
#include <hal/interrupts.hpp>
#include <libk/spsc_ring.hpp>

#include "acpi.hpp"
#include "console.hpp"
#include "interrupts.hpp"
#include "log.hpp"
#include "sched/wait_queue.hpp"
#include "sync/spinlock.hpp"
#include "time.hpp"
#include "timers.hpp"

namespace kernel::keyboard {

namespace {

constinit libk::keyboard::ScancodeDecoder decoder;
// One consumer (the reader); the producers (the PS/2 interrupt, USB keyboards) take turns
// under the producer lock, so the ring always has a single producer at a time.
constinit SpinLock producer_lock{"keyboard events", lock_rank::kDevice};
constinit libk::SpscRing<KeyEvent, 128> events;
constinit bool keyboard_present = false;
constinit WaitQueue readers;
constinit void (*event_listener)() = nullptr;
constinit u64 dropped_events GUARDED_BY(producer_lock) = 0;

// Queues `event`. Nobody read the queue for 128 key events when it is full: that is said at
// the first drop and at each power of two after it, so a stuck reader shows in the log
// without flooding it. The producer lock is released before logging and waking readers.
void queue(const KeyEvent& event) EXCLUDES(producer_lock) {
  u64 dropped = 0;
  {
    SpinLockGuard guard(producer_lock);
    if (!events.push(event)) dropped = ++dropped_events;
  }
  if (dropped && libk::is_power_of_two(dropped))
    log::warn("keyboard: the event queue is full; {} key events dropped so far", dropped);
  if (Scheduler::running()) readers.wake_all();
  if (event_listener) event_listener();
}

// IRQ 1: one byte per interrupt (the i8042 raises one per byte). A waiting reader wakes;
// the switch to it, if it has the higher priority, happens at the interrupt's exit.
constinit Latency latency = {};

void note_latency(u64 start) {
  u64 cycles = hal::cpu::rdtsc() - start;
  ++latency.samples;
  latency.total_cycles += cycles;
  if (latency.min_cycles == 0 || cycles < latency.min_cycles) latency.min_cycles = cycles;
}

void on_irq() {
  u64 start = hal::cpu::rdtsc();
  u8 byte = 0;
  if (!hal::i8042::read_keyboard_byte(byte)) return;
  if (auto event = decoder.feed(byte)) {
    queue(*event);
    note_latency(start);
  }
}

}  // namespace

bool init() {
  if (const auto* fadt = acpi::fadt(); fadt && !fadt->may_have_8042())
    log::info("keyboard: the FADT says there is no 8042; probing anyway");
  auto status = hal::i8042::init();
  if (!status) {
    log::warn("keyboard: {}; no keyboard input", hal::i8042::error_text(status.error()));
    return false;
  }
  if (!interrupts::route_isa_irq(hal::i8042::kKeyboardIrq, on_irq)) return false;
  keyboard_present = true;
  log::info("keyboard: i8042 ready (self-test {:#x}, configuration {:#x}), PS/2 keyboard on IRQ 1",
            status.value().self_test, status.value().config);
  return true;
}

bool present() { return keyboard_present; }

void submit_event(const KeyEvent& event) { queue(event); }

libk::Optional<KeyEvent> read_event() { return events.pop(); }

namespace {

u64 deadline_after(u64 timeout_ns) {
  u64 now = time::now_ns();
  return timeout_ns > kForever - now ? kForever : now + timeout_ns;
}

// Before the scheduler runs: halt until the keyboard or a timer interrupt.
libk::Optional<KeyEvent> wait_event_halting(u64 timeout_ns) {
  libk::Optional<KeyEvent> event;
  timers::halt_until(deadline_after(timeout_ns), [&] {
    event = events.pop();
    return event.has_value();
  });
  return event;
}

}  // namespace

libk::Optional<KeyEvent> wait_event(u64 timeout_ns) {
  if (!Scheduler::running()) return wait_event_halting(timeout_ns);
  readers.wait_until([] { return !events.empty(); }, deadline_after(timeout_ns));
  return events.pop();
}

usize visible_form(u32 cp, char* out) {
  if (cp == '\n' || cp == '\t' || (cp >= 0x20 && cp < 0x7F)) {
    out[0] = char(cp);
    return 1;
  }
  if (cp == '\b') {  // erase the previous character on a terminal
    out[0] = '\b', out[1] = ' ', out[2] = '\b';
    return 3;
  }
  if (cp < 0x20) {
    out[0] = '^', out[1] = char(cp + 0x40);
    return 2;
  }
  return 0;
}

void echo(const KeyEvent& event) {
  if (!event.pressed || event.codepoint == 0) return;
  char text[4];
  usize n = visible_form(event.codepoint, text);
  console::write({text, n});  // serial and screen
}

u32 dropped_events() { return events.dropped(); }

Latency ps2_latency() {
  hal::interrupts::Guard no_irq;  // the interrupt handler writes it
  return latency;
}

void set_event_listener(void (*listener)()) { event_listener = listener; }

}  // namespace kernel::keyboard
