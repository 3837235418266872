// The log's screen writer thread (log::start_screen_writer): records reach serial at once
// and the screen through the "log-writer" thread.
#include <hal/interrupts.hpp>
#include <libk/text_console.hpp>

#include "console.hpp"
#include "ktest.hpp"
#include "log.hpp"
#include "sched/scheduler.hpp"
#include "sched/thread.hpp"
#include "tests/settle.hpp"
#include "time.hpp"

namespace kernel {

namespace {

bool screen_shows(libk::StringView needle) {
  const libk::TextConsole& c = *console::text_console();
  for (u32 y = 0; y < c.terminal().grid().rows(); ++y) {
    libk::FixedString<512> text;
    c.terminal().grid().write_row_text(y, text.sink());
    if (text.view().find(needle) != libk::StringView::npos) return true;
  }
  return false;
}

struct FindWriter {
  const Thread* writer = nullptr;
};

void find_writer(const Thread& t, void* arg) {
  if (t.name() == "log-writer") static_cast<FindWriter*>(arg)->writer = &t;
}

}  // namespace

// With interrupts off the writer (pinned to CPU 0, where the tests run) cannot run: the
// record is in the ring and on serial but not on the screen. Once the caller waits for the
// screen (the writer outranks it), the line is there, drawn by the writer thread. Waiting,
// not yielding once: a host stall can end the writer's slice halfway through the line.
KTEST("log.screen_writer.draws_records_in_its_own_thread") {
  if (!console::has_screen()) return;  // serial-only boot: no writer
  test_support::start_fresh_slice();
  FindWriter found;
  thread::for_each(find_writer, &found);
  if (!KEXPECT(found.writer != nullptr)) return;
  u64 writer_turns = found.writer->switches();
  u64 sequence = log::next_sequence();
  {
    hal::interrupts::Guard writer_cannot_run;
    log::info("ktest: drawn by the log writer {}", sequence);
    // In the ring (another CPU may have logged too: more than one record may be new).
    KEXPECT(log::next_sequence() > sequence);
    KEXPECT(!screen_shows("ktest: drawn by the log writer"));
  }
  log::wait_screen_drawn();
  KEXPECT(screen_shows("ktest: drawn by the log writer"));
  KEXPECT(found.writer->switches() > writer_turns);
}

}  // namespace kernel

namespace kernel {

namespace {

void wait_drawn(void* done) {
  log::wait_screen_drawn();
  __atomic_store_n(static_cast<bool*>(done), true, __ATOMIC_RELEASE);
}

}  // namespace

// A record below the screen's level is not drawn, but the writer must still move past it:
// a thread waiting for the screen to catch up (the shell, before each line it prints) would
// otherwise wait until some later record is drawn.
KTEST("log.screen_writer.a_debug_record_does_not_hold_up_waiters") {
  if (!console::has_screen() || log::screen_level() <= log::Level::Debug) return;
  static bool done;
  done = false;
  log::debug("ktest: a record the screen does not show");
  auto waiter = thread::create("drawn-waiter", wait_drawn, &done);
  if (!KEXPECT(waiter.ok())) return;
  u64 deadline = time::now_ns() + time::kNsPerSecond;
  while (!__atomic_load_n(&done, __ATOMIC_ACQUIRE) && time::now_ns() < deadline)
    thread::sleep_until(time::now_ns() + time::kNsPerMs);
  if (!KEXPECT(__atomic_load_n(&done, __ATOMIC_ACQUIRE))) {
    log::info("ktest: releasing the waiter");  // a drawn record lets it go
  }
  thread::join(*waiter.value());
}

}  // namespace kernel
