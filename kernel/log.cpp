#include "log.hpp"

#include <hal/interrupts.hpp>
#include <libk/atomic.hpp>

#include "console.hpp"
#include "sched/wait_queue.hpp"

namespace kernel::log {

namespace {

constexpr usize kRingBytes = 64 * 1024;

// The ring, and the serial output of each record, under one lock: every CPU's records go
// into the ring in one order and reach serial as whole lines. Code that interrupted the
// lock's holder on the same CPU (an NMI, an exception inside the log) finds the lock held by
// this CPU and writes serial only, leaving the ring alone (lock_unless_held_here).
constinit SpinLock log_lock{"log", lock_rank::kLog};
alignas(8) constinit u8 ring_storage[kRingBytes] = {};
constinit libk::LogRing ring GUARDED_BY(log_lock);
constinit Clock registered_clock = nullptr;
constinit Level screen_threshold = Level::Info;

// The screen writer (start_screen_writer): the next record to draw on the screen, and the
// queue the writer thread sleeps on. Before the writer starts, write() keeps screen_next up
// to date itself; afterwards only the writer (and a panic) touch it.
constexpr sched::Priority kWriterPriority = 24;
constinit u64 screen_next = 0;
constinit bool writer_running = false;
constinit WaitQueue writer_queue;
constinit WaitQueue drawn_queue;  // threads waiting for the writer to catch up
constinit Thread* writer_thread = nullptr;
constinit void (*record_listener)() = nullptr;

// SGR sequences for the parts of a line (ECMA-48 §8.3.117; 90 = bright black).
constexpr libk::StringView kDim = "\x1b[90m";
constexpr libk::StringView kReset = "\x1b[0m";
constexpr libk::StringView kSubsystem = "\x1b[36m";  // cyan

libk::StringView level_tag(Level level) {
  switch (level) {
    case Level::Debug: return "\x1b[90mdebug:\x1b[0m ";
    case Level::Info: return "";
    case Level::Warn: return "\x1b[1;33mwarning:\x1b[0m ";
    case Level::Error: return "\x1b[1;31merror:\x1b[0m ";
  }
  return "";
}

// A line is formatted into this before it is written: one write per line keeps lines whole.
constexpr usize kLineMax = 640;

// The length of a leading "subsystem:" (lower-case letters, digits, '_', '.', '-', then a
// colon and a space), which is shown in colour like dmesg does; 0 if there is none.
usize subsystem_length(libk::StringView text) {
  for (usize i = 0; i < text.size() && i <= 24; ++i) {
    char c = text[i];
    if (c == ':') return i > 0 && i + 1 < text.size() && text[i + 1] == ' ' ? i + 1 : 0;
    bool word =
        (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
    if (!word) return 0;
  }
  return 0;
}

void format_line(libk::Sink& out, Level level, u64 timestamp_ns, libk::StringView text) {
  u64 micros = timestamp_ns / 1000;
  libk::format_to(out, "{}[{:>5}.{:06}]{} {}", kDim, micros / 1'000'000, micros % 1'000'000, kReset,
                  level_tag(level));
  if (usize n = subsystem_length(text)) {
    out.write(kSubsystem);
    out.write(text.substr(0, n));
    out.write(kReset);
    text = text.substr(n);
  }
  out.write(text);
  // A message that set colours of its own must not colour the lines after it.
  if (text.find('\x1b') != libk::StringView::npos) out.write(kReset);
  out.put('\n');
}

void emit(Level level, u64 timestamp_ns, libk::StringView text, console::Target targets) {
  char line[kLineMax];
  libk::BufferSink sink(line, sizeof(line));
  format_line(sink, level, timestamp_ns, text);
  if (sink.truncated()) {  // keep the newline (and a reset) even for an over-long message
    static constexpr libk::StringView kTail = "...\x1b[0m\n";
    console::write(sink.view().substr(0, sizeof(line) - 1 - kTail.size()), targets);
    console::write(kTail, targets);
    return;
  }
  console::write(sink.view(), targets);
}

}  // namespace

void init() {
  console::init_serial();
  SpinLockGuard guard(log_lock);
  bool ready = ring.init(libk::Span<u8>(ring_storage, sizeof(ring_storage)));
  VERIFY(ready);  // the storage is static, aligned and large enough
}

libk::Sink& serial() { return console::serial(); }

void write(Level level, libk::StringView text) {
  bool wake_writer = false;
  {
    hal::interrupts::Guard no_interrupts;  // the record and its lines stay together
    Clock now = registered_clock;
    u64 timestamp = now ? now() : 0;
    if (!lock_unless_held_here(log_lock)) {
      // Interrupted the log on this CPU: serial only, the ring untouched.
      emit(level, timestamp, text, console::kSerial);
      return;
    }
    ring.append(u8(level), now ? 0 : kNoClock, timestamp, text);
    bool to_screen = level >= screen_threshold;
    if (writer_running) {
      emit(level, timestamp, text, console::kSerial);
      wake_writer = to_screen;
    } else {
      emit(level, timestamp, text, to_screen ? console::kBoth : console::kSerial);
      screen_next = ring.next_sequence();
    }
    log_lock.unlock();
  }
  // Holding the scheduler lock means logging from inside the scheduler (a crash there):
  // waking would deadlock; the record is drawn with the next one, or by the panic.
  if (scheduler_lock.held_by_this_cpu()) return;
  if (wake_writer) writer_queue.wake_one();
  if (record_listener) record_listener();
}

void set_record_listener(void (*listener)()) { record_listener = listener; }

void set_clock(u64 (*now_ns)()) { registered_clock = now_ns; }

Clock clock() { return registered_clock; }

void set_screen_level(Level level) { screen_threshold = level; }
Level screen_level() { return screen_threshold; }

bool parse_level(libk::StringView text, Level& out) {
  if (text == "debug")
    out = Level::Debug;
  else if (text == "info")
    out = Level::Info;
  else if (text == "warning" || text == "warn")
    out = Level::Warn;
  else if (text == "error")
    out = Level::Error;
  else
    return false;
  return true;
}

// Sequence numbers are single words written under the lock: reading one without it gives a
// snapshot, which is all a reader asking "is there more?" needs.
u64 first_sequence() NO_THREAD_SAFETY_ANALYSIS { return ring.first_sequence(); }
u64 next_sequence() NO_THREAD_SAFETY_ANALYSIS { return ring.next_sequence(); }

bool read(u64 sequence, libk::LogRecord& out, char* buffer, usize capacity) {
  hal::interrupts::Guard no_interrupts;
  if (!lock_unless_held_here(log_lock)) return false;  // an NMI reading the ring it interrupted
  bool found = ring.read(sequence, out, buffer, capacity);
  log_lock.unlock();
  return found;
}

void format_record(libk::Sink& out, const libk::LogRecord& record) {
  Level level = record.level <= u8(Level::Error) ? Level(record.level) : Level::Error;
  format_line(out, level, record.timestamp_ns, record.text);
}

void replay_to_screen() {
  char text[libk::LogRing::kMaxText];
  libk::LogRecord record;
  for (u64 seq = first_sequence(); seq < next_sequence(); ++seq) {
    if (!read(seq, record, text, sizeof(text))) continue;
    if (Level(record.level) < screen_threshold) continue;
    emit(Level(record.level), record.timestamp_ns, record.text, console::kScreen);
  }
  screen_next = next_sequence();
}

namespace {

// Draws records screen_next .. next_sequence() - 1 (those the ring still holds) with
// `draw`, which gets each formatted line.
template <typename Draw>
void draw_pending(Draw draw) {
  char text[libk::LogRing::kMaxText];
  char line[kLineMax];
  libk::LogRecord record;
  for (u64 seq = screen_next; seq < next_sequence(); seq = screen_next) {
    if (seq < first_sequence()) seq = screen_next = first_sequence();  // overwritten: skip
    bool shown = read(seq, record, text, sizeof(text)) && Level(record.level) >= screen_threshold;
    libk::BufferSink sink(line, sizeof(line));
    if (shown) format_record(sink, record);
    // Drawing a record and moving past it are one step: a writer preempted between them
    // (its slice ended) would have a panic's flush draw the record a second time.
    hal::interrupts::Guard no_interrupts;
    if (shown) draw(sink.view());
    screen_next = seq + 1;
  }
}

[[noreturn]] void screen_writer(void*) {
  for (;;) {
    writer_queue.wait_until([] { return screen_next < next_sequence(); });
    {
      // One present for all the records of this wake, paced: a burst of log lines scrolls
      // the screen at most once per frame time (console.hpp, "Presentation").
      console::Batch batch;
      draw_pending([](libk::StringView line) { console::write(line, console::kScreen); });
    }
    drawn_queue.wake_all();
  }
}

}  // namespace

void start_screen_writer() {
  if (!console::has_screen()) return;
  ThreadOptions options;
  options.priority = kWriterPriority;
  options.detached = true;  // runs for good
  options.cpu = 0;          // one CPU draws: the screen's order is the order records were made
  auto writer = thread::create("log-writer", screen_writer, nullptr, options);
  if (!writer) {
    warn("log: no screen writer thread ({}); drawing in the caller",
         thread_error_text(writer.error()));
    return;
  }
  hal::interrupts::Guard no_interrupts;
  writer_thread = writer.value();
  writer_running = true;
}

void wait_screen_drawn() {
  if (!writer_running || &thread::current() == writer_thread) return;
  // Callers that cannot block (interrupts off: a test measuring with them disabled prints
  // its result) write at once; the order on screen may then differ from serial.
  if (!hal::cpu::interrupts_enabled()) return;
  u64 target = next_sequence();
  // Records below the screen's level do not wake the writer (nothing to draw), but it must
  // still step past them before screen_next reaches the target.
  if (screen_next < target) writer_queue.wake_one();
  drawn_queue.wait_until([target] { return screen_next >= target; });
}

void flush_screen_for_panic() {
  if (writer_running) draw_pending([](libk::StringView line) { console::emergency_write(line); });
}

}  // namespace kernel::log
