// Running user programs from the shell: a line whose first word is not a built-in command
// runs /bin/NAME from the initrd (or NAME itself when it starts with '/') with the line's
// words as its argv, in the foreground: the shell waits for it to end (docs/shell.md).
#include "proc/initrd.hpp"
#include "proc/process.hpp"
#include "shell/commands.hpp"

namespace kernel::shell {

namespace {

using libk::StringView;
using libk::shell::Status;

}  // namespace

Status run_program(libk::Span<const StringView> words, libk::Sink& out, void*) {
  char path[abi::kMaxPath + 1];
  StringView name = words[0];
  libk::BufferSink sink(path, sizeof(path));
  libk::format_to(sink, "{}{}", name.starts_with("/") ? "" : "/bin/", name);
  StringView program(path, sink.length());
  if (!initrd::find(program)) return Status::Unknown;
  auto pid = proc::spawn(program, words, proc::kKernelParent);
  if (!pid) {
    libk::format_to(out, "{}: cannot start: {}\n", name, abi::error_text(pid.error()));
    return Status::Failed;
  }
  auto status = proc::wait(pid.value(), proc::kKernelParent);
  VERIFY(status.ok());  // our own child
  if (status.value() == 0) return Status::Ok;
  libk::format_to(out, "{}: exit status {}\n", name, status.value());
  return Status::Failed;
}

}  // namespace kernel::shell
