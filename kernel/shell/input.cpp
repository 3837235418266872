#include "shell/input.hpp"

#include <libk/spsc_ring.hpp>

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

// The producer side of serial input: reading COM1's receive FIFO into serial_bytes, done by
// the IRQ 4 handler or, without the interrupt, by the shell thread polling. The ring has one
// producer at a time because both hold this lock; its consumer (take) needs none.
constinit SpinLock uart_receive_lock{"uart receive", lock_rank::kDevice};
constinit libk::SpscRing<u8, 1024> serial_bytes;
constinit libk::line::SerialInputDecoder decoder;
constinit bool serial_irq = false;
constinit WaitQueue input_ready;  // the shell, waiting for either source

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

constinit u64 dropped_bytes GUARDED_BY(uart_receive_lock) = 0;

// The shell did not keep up with serial input: say so, at the first lost byte and at each
// power of two after it.
void note_dropped_byte() REQUIRES(uart_receive_lock) {
  ++dropped_bytes;
  if (libk::is_power_of_two(dropped_bytes))
    log::warn("shell: serial input ring full; {} bytes dropped so far", dropped_bytes);
}

// Moves what the UART's receive FIFO holds (up to 16 bytes) into the ring.
void drain_uart() REQUIRES(uart_receive_lock) {
  u8 byte = 0;
  while (console::serial_port().try_read(byte))
    if (!serial_bytes.push(byte)) note_dropped_byte();
}

// IRQ 4: received data is waiting.
void on_serial_irq() {
  {
    SpinLockGuard guard(uart_receive_lock);
    drain_uart();
  }
  wake_reader();
}

// One input from what is already buffered, if any. Context: the shell thread.
libk::Optional<libk::line::EditInput> take() {
  if (!serial_irq) {  // no interrupt: poll the FIFO
    SpinLockGuard guard(uart_receive_lock);
    drain_uart();
  }
  while (auto byte = serial_bytes.pop())
    if (auto in = decoder.feed(*byte)) return in;
  __atomic_store_n(&key_signal, false, __ATOMIC_RELEASE);
  while (auto event = keyboard::read_event())
    if (auto in = libk::line::from_key_event(*event)) return in;
  return libk::nullopt;
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

Event wait() {
  for (;;) {
    if (auto in = take()) return {Event::Kind::Input, *in};
    if (__atomic_exchange_n(&log_signal, false, __ATOMIC_ACQ_REL))
      return {Event::Kind::LogOutput, {}};
    // Both interrupt handlers and the log wake the queue; without the serial interrupt, a
    // timeout makes this a poll.
    u64 deadline = serial_irq ? Scheduler::kNoDeadline : time::now_ns() + kPollNs;
    input_ready.wait_until(input_pending, deadline);
  }
}

void clear_log_output() { __atomic_store_n(&log_signal, false, __ATOMIC_RELEASE); }

}  // namespace kernel::shell::input
