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
// serialises writers, see console.hpp). Once the scheduler runs, a thread draws the log on
// the screen (start_screen_writer). What ignores the interrupt flag (an NMI, a machine check)
// and logs while the ring is in use reaches serial only: its record is not kept.
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

// Moves screen output into a thread. Until this runs, write() draws each record on the
// screen itself; afterwards it appends the record to the ring, writes serial, and wakes the
// "log-writer" thread (wait queue), which draws the new records on the screen. Drawing
// (glyphs, scrolling, the framebuffer copy) is the slow part of logging, and the caller, an
// interrupt handler included, no longer pays for it. The writer runs at a high priority, so
// from thread context it draws before the caller continues and the screen stays in step
// with serial. Serial stays synchronous: a crash report is on serial before the CPU stops.
// Needs the scheduler; does nothing without a screen console. Context: boot sequence.
void start_screen_writer();

// Registers a function called after each record is written, for a reader that must
// react to log output (the shell redraws its input line below the message). It runs in
// the writer's context, interrupt handlers included, but never with the scheduler lock
// held: it may only wake waiters. nullptr removes it.
void set_record_listener(void (*listener)());

// Waits until the screen shows every record written so far, so that text written straight
// to the console afterwards (the shell's) lands below them on the screen, in the same order
// as on serial. Returns at once when there is no writer thread, in the writer itself, or
// with interrupts disabled (the caller cannot block). Context: thread.
void wait_screen_drawn();

// Draws, through console::emergency_write, the records the writer has not drawn yet (panic:
// the screen then shows everything up to the banner).
void flush_screen_for_panic();

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
