#include "shell/shell.hpp"

#include <libk/line_editor.hpp>

#include "console.hpp"
#include "log.hpp"
#include "shell/commands.hpp"
#include "shell/input.hpp"

namespace kernel::shell {

namespace {

using libk::StringView;

// Ember's orange (the boot banner's), bold.
constexpr StringView kPrompt = "\x1b[1;38;2;255;158;44member\x1b[0m> ";
// The line editor never relies on a wider terminal than this (serial terminals are
// usually 80 columns; the framebuffer console is wider).
constexpr u32 kMaxColumns = 80;

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

// The console as the line editor's terminal: every byte at once.
class EditorOutput final : public libk::Sink {
 public:
  void write(StringView text) override {
    log::wait_screen_drawn();
    console::write(text);
  }
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

u32 terminal_columns() {
  u32 screen = console::screen_info().columns;
  return screen > 0 && screen < kMaxColumns ? screen : kMaxColumns;
}

// Above the default priority: typing stays responsive while other threads compute.
constexpr sched::Priority kShellPriority = sched::kDefaultPriority + 4;

[[noreturn]] void run() {
  EditorOutput editor_out;
  LineBufferedConsole out;
  libk::shell::Dispatcher dispatcher(commands());
  libk::line::LineEditor editor(history, terminal_columns());
  Completions completions;
  editor.set_completer(&completions);
  log::wait_screen_drawn();
  console::write("\x1b[?25h");  // show the cursor
  out.write(
      "\nWelcome to Ember. Type 'help' for the commands; Tab completes, Up/Down recall "
      "earlier lines.\n");
  out.flush();
  for (;;) {
    input::clear_log_output();  // what the last command logged is above the new prompt
    editor.begin(kPrompt, editor_out);
    auto outcome = libk::line::LineEditor::Outcome::Editing;
    while (outcome == libk::line::LineEditor::Outcome::Editing) {
      input::Event event = input::wait();
      if (event.kind == input::Event::Kind::Input) {
        outcome = editor.handle(event.input, editor_out);
      } else {
        // A log message was printed after the prompt: it ends with a newline, so the line
        // being typed is drawn again below it.
        editor.redraw(editor_out);
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
