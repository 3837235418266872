#include "shell/shell.hpp"

#include <libk/cmdline.hpp>
#include <libk/line_editor.hpp>

#include "boot.hpp"
#include "console.hpp"
#include "log.hpp"
#include "shell/commands.hpp"
#include "shell/input.hpp"
#include "time.hpp"

namespace kernel::shell {

namespace {

using libk::StringView;

// Ember's orange (the boot banner's), bold.
constexpr StringView kPrompt = "\x1b[1;38;2;255;158;44member\x1b[0m> ";

constinit libk::line::LineHistory history;

// Command output, one console write per line (each write updates the screen).
class LineBufferedConsole final : public libk::Sink {
 public:
  void write(StringView text) override {
    for (char c : text) {
      buffer_[length_++] = c;
      if (c == '\n' || length_ == sizeof(buffer_)) flush();
    }
  }
  void flush() {
    if (length_ == 0) return;
    log::wait_screen_drawn();  // below the log lines already on serial, on screen too
    console::write({buffer_, length_});
    length_ = 0;
  }

 private:
  char buffer_[256];
  usize length_ = 0;
};

// The console as the line editor's terminal. What one batch of input produces is
// collected and written at once, so a paste costs one console write (one present), not
// one per key.
class EditorOutput final : public libk::Sink {
 public:
  void write(StringView text) override {
    for (char c : text) {
      if (length_ == sizeof(buffer_)) flush();
      buffer_[length_++] = c;
    }
  }
  void flush() {
    if (length_ == 0) return;
    log::wait_screen_drawn();
    console::write({buffer_, length_});
    length_ = 0;
  }

 private:
  char buffer_[1024];
  usize length_ = 0;
};

// Tab completes command names, and the argument of `help` and `reboot`.
class Completions final : public libk::line::Completer {
 public:
  void complete(StringView before, StringView word, Candidates& out) override {
    StringView command = before.trim();
    if (command.empty() || command == "help") {
      // A full list stops there: the editor lists the first kMaxCandidates.
      for (const libk::shell::Command& c : commands())
        if (c.name.starts_with(word) && !out.push_back(c.name)) return;
    } else if (command == "reboot") {
      constexpr StringView kMethods[] = {"acpi", "kbd", "triple"};
      for (StringView m : kMethods)
        if (m.starts_with(word) && !out.push_back(m)) return;
    }
  }
};

// The narrower of the screen and the serial terminal: the editor's output goes to both.
u32 terminal_columns(u32 serial) {
  u32 screen = console::screen_info().columns;
  return screen > 0 && screen < serial ? screen : serial;
}

libk::Optional<u32> configured_serial_columns() {
  libk::CommandLine cmdline(boot_info::cmdline());
  u64 columns = 0;
  auto value = cmdline.get("serial_columns");
  if (!value) return libk::nullopt;
  if (libk::parse_u64(*value, columns) && columns >= 20 && columns <= 1000) return u32(columns);
  log::warn("cmdline: serial_columns=\"{}\" is not a width (20-1000)", *value);
  return libk::nullopt;
}

// One input, then everything already buffered behind it (a paste), with the line drawn
// once at the end and the output written at once.
libk::line::LineEditor::Outcome handle_burst(libk::line::LineEditor& editor,
                                             const libk::line::EditInput& first,
                                             EditorOutput& out) {
  console::Batch batch;
  editor.begin_batch();
  auto outcome = editor.handle(first, out);
  while (outcome == libk::line::LineEditor::Outcome::Editing) {
    auto next = input::poll();
    if (!next) break;
    outcome = editor.handle(*next, out);
  }
  editor.end_batch(out);
  out.flush();
  return outcome;
}

// Above the default priority: typing stays responsive while other threads compute.
constexpr sched::Priority kShellPriority = sched::kDefaultPriority + 4;

[[noreturn]] void run() {
  EditorOutput editor_out;
  LineBufferedConsole out;
  libk::shell::Dispatcher dispatcher(commands());
  dispatcher.set_fallback(run_program);
  libk::line::LineEditor editor(
      history, terminal_columns(input::serial_columns(configured_serial_columns())));
  Completions completions;
  editor.set_completer(&completions);
  log::info("shell: ready {} ms after kernel entry",
            time::since_kernel_entry_ns() / time::kNsPerMs);
  log::wait_screen_drawn();
  console::write("\x1b[?25h");  // show the cursor
  out.write(
      "\nWelcome to Ember. Type 'help' for the commands; Tab completes, Up/Down recall "
      "earlier lines.\n");
  out.flush();
  for (;;) {
    input::clear_log_output();  // what the last command logged is above the new prompt
    editor.begin(kPrompt, editor_out);
    editor_out.flush();
    auto outcome = libk::line::LineEditor::Outcome::Editing;
    while (outcome == libk::line::LineEditor::Outcome::Editing) {
      input::Event event = input::wait();
      if (event.kind == input::Event::Kind::Input) {
        outcome = handle_burst(editor, event.input, editor_out);
      } else {
        // A log message was printed after the prompt: it ends with a newline, so the line
        // being typed is drawn again below it.
        editor.redraw(editor_out);
        editor_out.flush();
      }
    }
    if (outcome != libk::line::LineEditor::Outcome::Submitted) continue;
    dispatcher.execute(editor.line(), out);
    out.flush();
  }
}

void shell_thread(void*) { run(); }

}  // namespace

void init() { input::init(); }

libk::Result<Thread*, ThreadError> start() {
  ThreadOptions options;
  options.priority = kShellPriority;
  // The editor, a tokenized line, a log message being formatted and a command's own
  // buffers can be on the stack at once: twice the default, for a margin.
  options.stack_size = 2 * stacks::kDefaultSize;
  return thread::create("shell", shell_thread, nullptr, options);
}

}  // namespace kernel::shell
