// panic: report a broken invariant and stop. Not for bad input, which is an error value.
#pragma once

#include <libk/assert.hpp>  // VERIFY and DEBUG_ASSERT end in panic_message
#include <libk/format.hpp>

namespace kernel {

// Stops every other online CPU (an NMI IPI each; they halt for good) so that the crash
// report or panic this CPU writes next is the only output. Returns false when this CPU had
// stopped the world already (a failure while reporting one). If another CPU is stopping it,
// halts this one for good instead: one report, from the CPU that failed first.
// Context: any; leaves interrupts disabled.
bool stop_the_world();
// The NMI handler calls it first: halts this CPU for good if another one stopped the world.
void halt_if_world_stopped();

[[noreturn]] void panic_message(const char* file, int line, const char* function,
                                libk::StringView message);

// The panic banner as panic() writes it to serial and screen: full-width white-on-red lines
// (SGR 41, then EL so each whole line takes that background) with the message and where.
// Starts with a reset so no half-finished colour or sequence carries over.
void write_panic_banner(libk::Sink& out, const char* file, int line, const char* function,
                        libk::StringView message);

template <typename... Args>
[[noreturn]] void panic_at(const char* file, int line, const char* function,
                           libk::FormatString<Args...> fmt, const Args&... args) {
  char buffer[256];
  libk::BufferSink sink(buffer, sizeof(buffer));
  libk::format_to(sink, fmt, args...);
  panic_message(file, line, function, sink.view());
}

}  // namespace kernel

#define PANIC(...) ::kernel::panic_at(__FILE__, __LINE__, __func__, __VA_ARGS__)
