// The log's screen writer thread (log::start_screen_writer): records reach serial at once
// and the screen through the "log-writer" thread.
#include <hal/interrupts.hpp>
#include <libk/text_console.hpp>

#include "console.hpp"
#include "ktest.hpp"
#include "log.hpp"
#include "sched/scheduler.hpp"
#include "tests/settle.hpp"

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
    KEXPECT_EQ(log::next_sequence(), sequence + 1);
    KEXPECT(!screen_shows("ktest: drawn by the log writer"));
  }
  log::wait_screen_drawn();
  KEXPECT(screen_shows("ktest: drawn by the log writer"));
  KEXPECT(found.writer->switches() > writer_turns);
}

}  // namespace kernel
