// Running user programs from the shell: a line whose first word is not a built-in command
// runs /bin/NAME from the initrd (or NAME itself when it starts with '/') with the line's
// words as its argv, in the foreground (docs/shell.md, docs/processes.md "The terminal"):
// until it ends the shell feeds what is typed to the console terminal (kernel/tty), and
// Ctrl-C ends the terminal's foreground process group. The program leads a group of its own
// and starts as the foreground group; it may hand the terminal to another group
// (tty_set_foreground: /bin/sh does, for each pipeline). When it ends, the terminal is the
// kernel shell's again: no foreground group, canonical mode.
//
// Hand-over: the shell is the only reader of the keyboard and serial input, before, during
// and after the program, so no key is read twice or by nobody; a key typed after the
// program ended stays queued for the shell's next prompt. Lines typed but not read by the
// program stay in the terminal for the next one (as on a Unix terminal).
#include "log.hpp"
#include "proc/initrd.hpp"
#include "proc/process.hpp"
#include "shell/commands.hpp"
#include "shell/input.hpp"
#include "tty/tty.hpp"

namespace kernel::shell {

namespace {

using libk::StringView;
using libk::shell::Status;

// The foreground program: its pid (0: none) and whether it ended. Written by the shell
// thread and by the ending process's thread: atomics.
constinit proc::Pid foreground = 0;
constinit bool foreground_done = false;

void on_exit(proc::Pid pid) {
  if (__atomic_load_n(&foreground, __ATOMIC_ACQUIRE) != pid) return;
  __atomic_store_n(&foreground_done, true, __ATOMIC_RELEASE);
  input::wake();
}

bool foreground_ended() { return __atomic_load_n(&foreground_done, __ATOMIC_ACQUIRE); }

// Feeds input to the terminal until the program ends; Ctrl-C ends the foreground group.
void run_foreground() {
  tty::begin_line();
  for (;;) {
    input::Event event = input::wait(foreground_ended);
    if (event.kind == input::Event::Kind::Stopped) return;
    if (event.kind != input::Event::Kind::Input) continue;  // the log prints on its own
    if (tty::feed(event.input) != tty::Fed::Interrupt) continue;
    // NoProcess: the group ended meanwhile (or its leader handed the terminal to nobody).
    if (proc::Pid group = tty::foreground_group(); group != 0)
      (void)proc::end_group(group, abi::kStatusInterrupted);
  }
}

}  // namespace

Status run_program(libk::Span<const StringView> words, libk::Sink& out, void*) {
  char path[abi::kMaxPath + 1];
  StringView name = words[0];
  libk::BufferSink sink(path, sizeof(path));
  libk::format_to(sink, "{}{}", name.starts_with("/") ? "" : "/bin/", name);
  StringView program(path, sink.length());
  if (!initrd::find(program)) return Status::Unknown;
  proc::set_exit_listener(on_exit);
  __atomic_store_n(&foreground_done, false, __ATOMIC_RELEASE);
  auto pid = proc::spawn(program, words, proc::kKernelParent);
  if (!pid) {
    libk::format_to(out, "{}: cannot start: {}\n", name, abi::error_text(pid.error()));
    return Status::Failed;
  }
  // The program may have ended before this store: on_exit then missed it, so look again.
  __atomic_store_n(&foreground, pid.value(), __ATOMIC_RELEASE);
  tty::hand_to(pid.value());  // its group: a process the kernel starts leads one
  if (proc::running(pid.value())) run_foreground();
  auto status = proc::wait(pid.value(), proc::kKernelParent);
  __atomic_store_n(&foreground, proc::Pid(0), __ATOMIC_RELEASE);
  tty::hand_to(0);
  (void)tty::set_mode(libk::tty::Mode::Canonical, 0);
  VERIFY(status.ok());  // our own child
  if (status.value() == 0) return Status::Ok;
  if (status.value() == abi::kStatusInterrupted)
    libk::format_to(out, "{}: interrupted (Ctrl-C)\n", name);
  else
    libk::format_to(out, "{}: exit status {}\n", name, status.value());
  return Status::Failed;
}

}  // namespace kernel::shell
