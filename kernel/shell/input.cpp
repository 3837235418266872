#include "shell/input.hpp"

#include <libk/spsc_ring.hpp>
#include <libk/terminal.hpp>

#include "console.hpp"
#include "interrupts.hpp"
#include "keyboard.hpp"
#include "log.hpp"
#include "sched/wait_queue.hpp"
#include "sync/spinlock.hpp"
#include "time.hpp"

namespace kernel::shell::input {

namespace {

constexpr u64 kPollNs = 10 * time::kNsPerMs;  // serial polling period without the interrupt
// A terminal answers a cursor position query within milliseconds; a log file never does.
constexpr u64 kWidthQueryNs = 300 * time::kNsPerMs;
constexpr u32 kFallbackColumns = 80;
constexpr u32 kUartFifoBytes = 16;  // PC16550D receive FIFO

// The producer side of serial input: reading COM1's receive FIFO into serial_bytes, done by
// the IRQ 4 handler or, without the interrupt, by the shell thread polling. The ring has one
// producer at a time because both hold this lock; its consumer (take) needs none.
//
// Nothing is dropped when input comes faster than the shell reads it (a paste): with the
// ring full the receive interrupt is masked and the FIFO is left to fill, which holds the
// sender back (QEMU stops reading its backend); the shell unmasks it once it made room.
constinit SpinLock uart_receive_lock{"uart receive", lock_rank::kDevice};
constinit libk::SpscRing<u8, 1024> serial_bytes;
constinit bool receive_paused GUARDED_BY(uart_receive_lock) = false;
constinit bool serial_irq = false;
constinit WaitQueue input_ready;  // the shell, waiting for either source

// The shell thread's own state (one consumer): the decoders of the serial terminal's bytes
// and of the screen terminal's replies, inputs kept while the width query waited, and the
// columns a cursor position report gave.
constinit libk::line::SerialInputDecoder decoder;
constinit libk::line::SerialInputDecoder reply_decoder;
constinit libk::line::EditInput kept[32] = {};
constinit usize kept_count = 0, kept_next = 0;
constinit u16 reported_columns = 0;

// Set by the keyboard interrupt after it queued an event; the reader clears it before it
// empties the keyboard's queue, so an event that arrives in between sets it again.
constinit bool key_signal = false;

void wake_reader() {
  if (Scheduler::running()) input_ready.wake_all();
}

void on_key_event() {
  __atomic_store_n(&key_signal, true, __ATOMIC_RELEASE);
  wake_reader();
}

// Set by the log after each record, cleared when the shell has been told.
constinit bool log_signal = false;

void on_log_record() {
  __atomic_store_n(&log_signal, true, __ATOMIC_RELEASE);
  wake_reader();
}

bool input_pending() {
  return !serial_bytes.empty() || __atomic_load_n(&key_signal, __ATOMIC_ACQUIRE) ||
         __atomic_load_n(&log_signal, __ATOMIC_ACQUIRE);
}

// Moves what the UART's receive FIFO holds into the ring, as far as it has room; a full
// ring pauses the receive interrupt (see above).
void drain_uart() REQUIRES(uart_receive_lock) {
  uart_receive_lock.assert_held();
  u8 byte = 0;
  while (serial_bytes.size() < serial_bytes.capacity() && console::serial_port().try_read(byte))
    VERIFY(serial_bytes.push(byte));  // room was checked, and this is the only producer
  if (serial_irq && !receive_paused && serial_bytes.size() == serial_bytes.capacity()) {
    console::serial_port().disable_receive_interrupt();
    receive_paused = true;
  }
}

// Context: the shell thread, after taking bytes out of the ring.
void resume_receiving() EXCLUDES(uart_receive_lock) {
  SpinLockGuard guard(uart_receive_lock);
  if (!receive_paused || serial_bytes.size() + kUartFifoBytes > serial_bytes.capacity()) return;
  receive_paused = false;
  drain_uart();
  if (!receive_paused) console::serial_port().enable_receive_interrupt();
}

// IRQ 4: received data is waiting.
void on_serial_irq() {
  {
    SpinLockGuard guard(uart_receive_lock);
    drain_uart();
  }
  wake_reader();
}

// A decoded input, unless it is for the input layer itself: a cursor position report
// (the answer to the width query) is recorded, not returned.
bool for_the_shell(const libk::line::EditInput& in) {
  if (in.key != libk::line::EditKey::CursorReport) return true;
  reported_columns = in.column;
  return false;
}

libk::Optional<libk::line::EditInput> take_serial() {
  if (!serial_irq) {  // no interrupt: poll the FIFO
    SpinLockGuard guard(uart_receive_lock);
    drain_uart();
  }
  libk::Optional<libk::line::EditInput> found;
  while (!found) {
    auto byte = serial_bytes.pop();
    if (!byte) break;
    if (auto in = decoder.feed(*byte); in && for_the_shell(*in)) found = in;
  }
  resume_receiving();
  return found;
}

// The screen terminal's replies (DSR, DA) are input too, as they would be on a terminal:
// the shell has no use for them yet, so they are decoded and dropped.
void drain_screen_replies() {
  char replies[libk::Terminal::kReplyCapacity];
  usize n = console::take_screen_replies(replies, sizeof(replies));
  for (usize i = 0; i < n; ++i) (void)reply_decoder.feed(u8(replies[i]));
}

void scroll(libk::line::ScrollKey key) {
  using libk::line::ScrollKey;
  switch (key) {
    case ScrollKey::PageUp: return console::scroll_view(console::ScrollView::PageUp);
    case ScrollKey::PageDown: return console::scroll_view(console::ScrollView::PageDown);
    case ScrollKey::Top: return console::scroll_view(console::ScrollView::Top);
    case ScrollKey::Bottom: return console::scroll_view(console::ScrollView::Bottom);
  }
}

// One input from what is already buffered, if any. Scrollback keys are acted on here, for
// the console, and never reach the line. Context: the shell thread.
libk::Optional<libk::line::EditInput> take_new() {
  drain_screen_replies();
  if (auto in = take_serial()) return in;
  __atomic_store_n(&key_signal, false, __ATOMIC_RELEASE);
  while (auto event = keyboard::read_event()) {
    if (auto key = libk::line::scroll_key(*event)) {
      scroll(*key);
      continue;
    }
    if (auto in = libk::line::from_key_event(*event)) return in;
  }
  return libk::nullopt;
}

// What the width query kept first, then new input.
libk::Optional<libk::line::EditInput> take() {
  if (kept_next < kept_count) return kept[kept_next++];
  kept_next = kept_count = 0;
  return take_new();
}

}  // namespace

void init() {
  keyboard::set_event_listener(on_key_event);
  log::set_record_listener(on_log_record);
  if (!console::serial_port().present()) return;
  serial_irq = interrupts::route_isa_irq(hal::Uart16550::kCom1Irq, on_serial_irq);
  if (serial_irq) console::serial_port().enable_receive_interrupt();
  log::info("shell: serial input on COM1 {}", serial_irq ? "(IRQ 4)" : "(polled)");
}

Event wait() { return wait(nullptr); }

Event wait(bool (*stop)()) {
  for (;;) {
    if (auto in = take()) return {Event::Kind::Input, *in};
    if (stop && stop()) return {Event::Kind::Stopped, {}};
    if (__atomic_exchange_n(&log_signal, false, __ATOMIC_ACQ_REL))
      return {Event::Kind::LogOutput, {}};
    // Both interrupt handlers and the log wake the queue; without the serial interrupt, a
    // timeout makes this a poll.
    u64 deadline = serial_irq ? Scheduler::kNoDeadline : time::now_ns() + kPollNs;
    input_ready.wait_until([stop] { return input_pending() || (stop && stop()); }, deadline);
  }
}

void wake() { wake_reader(); }

libk::Optional<libk::line::EditInput> poll() { return take(); }

// Asks the terminal where the cursor is after moving it as far right and down as it goes
// (DECSC, CUP 999;999, DSR 6, DECRC): the column of the answer is the width. Keys typed
// meanwhile are kept for the line.
u32 serial_columns(libk::Optional<u32> configured) {
  if (configured) {
    log::info("shell: serial terminal: {} columns (serial_columns=)", *configured);
    return *configured;
  }
  if (!console::serial_port().present()) return kFallbackColumns;
  reported_columns = 0;
  console::write(
      "\x1b"
      "7\x1b[999;999H\x1b[6n\x1b"
      "8",
      console::kSerial);
  u64 deadline = time::now_ns() + kWidthQueryNs;
  while (reported_columns == 0 && time::now_ns() < deadline) {
    if (auto in = take_new()) {
      if (kept_count < sizeof(kept) / sizeof(kept[0])) kept[kept_count++] = *in;
      continue;
    }
    u64 wake = serial_irq ? deadline : libk::min(deadline, time::now_ns() + kPollNs);
    input_ready.wait_until(input_pending, wake);
  }
  if (reported_columns == 0) {
    log::debug("shell: serial terminal: no answer to the size query; assuming {} columns",
               kFallbackColumns);
    return kFallbackColumns;
  }
  log::info("shell: serial terminal: {} columns (it answered)", reported_columns);
  return reported_columns;
}

void clear_log_output() { __atomic_store_n(&log_signal, false, __ATOMIC_RELEASE); }

}  // namespace kernel::shell::input
