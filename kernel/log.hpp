// The kernel log. Every message goes to the serial port; later layers (the framebuffer
// console, the ring buffer for dmesg) attach as extra sinks.
//
// Context: callable from any context once log::init() ran; messages are written whole.
#pragma once

#include <libk/format.hpp>

namespace kernel::log {

enum class Level : u8 { Debug, Info, Warn, Error };

// Brings up COM1. Safe to call before anything else in the kernel.
void init();

// The raw serial sink (for panic and test output that must bypass levels).
libk::Sink& serial();

void write(Level level, libk::StringView text);

template <typename... Args>
void message(Level level, libk::FormatString<Args...> fmt, const Args&... args) {
  char buffer[512];
  libk::BufferSink sink(buffer, sizeof(buffer));
  libk::format_to(sink, fmt, args...);
  write(level, sink.view());
}

template <typename... Args>
void debug(libk::FormatString<Args...> fmt, const Args&... args) {
  message(Level::Debug, fmt, args...);
}
template <typename... Args>
void info(libk::FormatString<Args...> fmt, const Args&... args) {
  message(Level::Info, fmt, args...);
}
template <typename... Args>
void warn(libk::FormatString<Args...> fmt, const Args&... args) {
  message(Level::Warn, fmt, args...);
}
template <typename... Args>
void error(libk::FormatString<Args...> fmt, const Args&... args) {
  message(Level::Error, fmt, args...);
}

}  // namespace kernel::log
