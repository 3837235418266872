// The kernel console: COM1 (always) and, when the loader handed over a framebuffer, a text
// console drawn on it (libk::TextConsole: Terminus font, VT100/xterm escapes, UTF-8).
// The log (log.hpp) writes every record here; the shell (kernel/shell/) writes here too.
//
// Writers and context. Each write() holds the console lock with interrupts off, so writers
// on any CPU never interleave within a write, even an interrupt handler echoing a key while
// the log is printing. write() may be called from interrupt context. It is not reentrant: if
// an exception or NMI interrupts a write on the same CPU and its handler writes, that text
// still reaches serial but not the screen (whose state is mid-update). panic() uses
// emergency_write(), which abandons the interrupted update and draws anyway.
//
// Presentation: each write() draws and copies its changes to the framebuffer before it
// returns, with one exception once pace_presents() was called: a present that would copy
// the whole frame (the screen scrolled) within libk::kConsoleFrameIntervalNs of the last
// one, by a caller that holds no spinlock (interrupts enabled), is left to a timer at the
// end of that interval; the scrolls that come meanwhile cost that one frame copy. Writes
// from interrupt handlers or under a lock, and writes that do not scroll (typing, a
// prompt), are on screen when write() returns. Bulk output can defer presenting to the end
// with a Batch. A panic presents everything pending (emergency_write).
#pragma once

#include <hal/uart.hpp>
#include <libk/format.hpp>

namespace kernel::console {

// Programs COM1. Safe before anything else (log::init() calls it).
void init_serial();
libk::Sink& serial();
// COM1 itself, for reading what a serial terminal types (kernel/shell/input.cpp).
hal::Uart16550& serial_port();

// Sets up the framebuffer console from BootInfo, if there is a usable framebuffer, and
// replays the log so far onto it. `font_option` is the font= command-line value (empty:
// automatic, by screen width). Needs early_memory. Returns false when serial-only.
bool init_screen(libk::StringView font_option);
bool has_screen();

enum Target : u8 { kSerial = 1, kScreen = 2, kBoth = 3 };

// Writes UTF-8 text with escape sequences to the chosen devices.
void write(libk::StringView text, Target to = kBoth);

// A Sink over write(..., kBoth), for format_to().
libk::Sink& sink();

// While any Batch is alive, writes update the screen's cells but are not presented; the
// last Batch to end presents once (paced as a write is).
class [[nodiscard]] Batch {
 public:
  Batch();
  ~Batch();
  Batch(const Batch&) = delete;
  Batch& operator=(const Batch&) = delete;
};

// From now on whole-frame presents are paced (see Presentation above). Needs timers::init().
void pace_presents();
// The pacing interval; pace_presents() sets libk::kConsoleFrameIntervalNs. For tests.
void set_frame_interval(u64 interval_ns);
struct PacingStats {
  u64 deferred = 0;     // presents left to the timer
  u64 timer_fired = 0;  // times the timer ran (it presents what is pending, if anything)
};
PacingStats pacing_stats();

// Gives the screen a scrollback of up to `lines` lines (0: the default, 2000) from the
// heap, within kMaxScrollbackBytes; false (and logged) when there is no screen or no
// memory. Context: thread, once the heap is up.
inline constexpr u32 kDefaultScrollbackLines = 2000;
inline constexpr usize kMaxScrollbackBytes = 16 * 1024 * 1024;
bool init_scrollback(u32 lines);

// Moves the screen's view into the scrollback (Shift+PgUp/PgDn/Home/End) and presents it;
// the next write returns it to the live screen. Context: thread.
enum class ScrollView : u8 { PageUp, PageDown, Top, Bottom };
void scroll_view(ScrollView how);

// The screen terminal's replies to status requests (DSR, DA), for the input side: copies
// up to `capacity` bytes to `out` and returns how many.
usize take_screen_replies(char* out, usize capacity);

// For panic(): writes to the screen (not serial) whatever state the console was left in.
// Never allocates or waits; does nothing if the screen was never set up.
void emergency_write(libk::StringView text);

// The renderer's framebuffer copy (REP MOVSQ for the 8-byte words, then any odd bytes).
// Exposed for tests and measurements.
void copy_to_framebuffer(void* dst, const void* src, usize bytes);

// What the screen console is using (zeroes when serial-only); for tests and the log.
struct ScreenInfo {
  u32 columns, rows;
  u32 font_width, font_height;
  libk::StringView font_name;
  u64 shadow_bytes;
};
ScreenInfo screen_info();

}  // namespace kernel::console

namespace libk {
class TextConsole;
}

namespace kernel::console {

// The screen console itself, for in-kernel tests that inspect cells and pixels; nullptr
// when serial-only. Not for writing: use write().
libk::TextConsole* text_console();

}  // namespace kernel::console
