// The kernel log. Each message becomes a record (level, timestamp, text) in a ring buffer
// that a later `dmesg` reads back, and a line on the console: on serial always, on the
// screen when its level is at least the screen level (default Info; `loglevel=` on the
// command line). Lines look like
//
//   [    0.012345] warning: cmdline: ignoring "x": empty key
//
// with the timestamp dimmed and the level coloured (ANSI escapes, on serial too).
//
// Timestamps come from a pluggable clock (set_clock). Until one is registered there is no
// calibrated time: records are stamped 0 and flagged kNoClock ("[    0.000000]", as Linux
// prints its early boot).
//
// Context: callable from any context once log::init() ran, including interrupt handlers;
// each message is formatted on the stack (no allocation) and written whole (the console
// serialises writers, see console.hpp).
#pragma once

#include <libk/format.hpp>
#include <libk/log_ring.hpp>

namespace kernel::log {

enum class Level : u8 { Debug, Info, Warn, Error };

// LogRecord::flags bits.
enum RecordFlags : u8 { kNoClock = 1 };

// Brings up COM1 and the ring buffer. Safe to call before anything else in the kernel.
void init();

// The raw serial sink (for panic and test output that must bypass levels).
libk::Sink& serial();

void write(Level level, libk::StringView text);

// Registers the monotonic clock for timestamps (nanoseconds since boot). The function
// must be callable from any context. nullptr returns to "no clock".
void set_clock(u64 (*now_ns)());
using Clock = u64 (*)();
Clock clock();  // the registered clock, or nullptr

// The lowest level shown on screen (serial shows everything).
void set_screen_level(Level level);
Level screen_level();
// Parses "debug", "info", "warning"/"warn", "error"; false if none matches.
bool parse_level(libk::StringView text, Level& out);

// Reading the ring back (for dmesg): records first_sequence() .. next_sequence() - 1 that
// read() still finds. Copies the text into `buffer`.
u64 first_sequence();
u64 next_sequence();
bool read(u64 sequence, libk::LogRecord& out, char* buffer, usize capacity);

// Writes a record as the console shows it: timestamp, level, text, newline.
void format_record(libk::Sink& out, const libk::LogRecord& record);

// Writes the records so far to the screen (the console calls this once it is up).
void replay_to_screen();

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
