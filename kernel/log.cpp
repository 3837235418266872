#include "log.hpp"

#include <hal/interrupts.hpp>
#include <hal/uart.hpp>

namespace kernel::log {

namespace {

constinit hal::Uart16550 com1(hal::Uart16550::kCom1);

libk::StringView level_prefix(Level level) {
  switch (level) {
    case Level::Debug: return "debug: ";
    case Level::Info: return "";
    case Level::Warn: return "warning: ";
    case Level::Error: return "error: ";
  }
  return "";
}

}  // namespace

void init() { com1.init(); }

libk::Sink& serial() { return com1; }

// Interrupts off for the whole line: neither an interrupt handler nor, since threads are
// preempted from interrupts, another thread can write into the middle of it.
void write(Level level, libk::StringView text) {
  hal::interrupts::Guard whole_line;
  com1.write(level_prefix(level));
  com1.write(text);
  com1.write("\n");
}

}  // namespace kernel::log
