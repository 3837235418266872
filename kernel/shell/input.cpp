#include "input.hpp"

#include <hal/interrupts.hpp>
#include <libk/spsc_ring.hpp>

#include "../console.hpp"
#include "../interrupts.hpp"
#include "../keyboard.hpp"
#include "../log.hpp"
#include "../time.hpp"

namespace kernel::shell::input {

namespace {

constexpr u64 kPollNs = time::kNsPerMs;  // serial polling period without the interrupt

constinit libk::SpscRing<u8, 1024> serial_bytes;
constinit libk::line::SerialInputDecoder decoder;
constinit bool serial_irq = false;

// IRQ 4: drain the UART's receive FIFO (up to 16 bytes per interrupt).
void on_serial_irq() {
  u8 byte = 0;
  while (console::serial_port().try_read(byte)) serial_bytes.push(byte);
}

// One input from what is already buffered, if any. Interrupts disabled.
libk::Optional<libk::line::EditInput> take() {
  if (!serial_irq) on_serial_irq();  // no interrupt: poll the FIFO
  while (auto byte = serial_bytes.pop())
    if (auto in = decoder.feed(*byte)) return in;
  while (auto event = keyboard::read_event())
    if (auto in = libk::line::from_key_event(*event)) return in;
  return libk::nullopt;
}

}  // namespace

void init() {
  if (!console::serial_port().present()) return;
  serial_irq = interrupts::route_isa_irq(hal::Uart16550::kCom1Irq, on_serial_irq);
  if (serial_irq) console::serial_port().enable_receive_interrupt();
  log::info("shell: serial input on COM1 {}", serial_irq ? "(IRQ 4)" : "(polled)");
}

libk::line::EditInput wait() {
  for (;;) {
    hal::interrupts::disable();
    auto in = take();
    if (in) {
      hal::interrupts::enable();
      return *in;
    }
    if (serial_irq) {
      hal::interrupts::wait();  // halts until the keyboard or the serial port interrupts
    } else {
      hal::interrupts::enable();
      time::spin_ns(kPollNs);
    }
  }
}

u32 dropped_serial_bytes() { return serial_bytes.dropped(); }

}  // namespace kernel::shell::input
