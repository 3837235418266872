// The executor's per-command scratch space (sh/executor.hpp): expanded words, the program's
// path and the child's file actions. Internal to libk/src/sh.
#pragma once

#include <sh/executor.hpp>

#include <libk/format.hpp>

namespace sh {

struct Executor::Argv {
  static constexpr usize kMaxActions = kMaxRedirects + 4;

  char arena[kArgBytes];
  usize used = 0;
  const char* argv[kMaxArgv + 1] = {};
  usize argc = 0;
  char path[abi::kMaxPath + 1] = {};
  libk::FixedVector<FileAction, kMaxActions> actions;
  bool too_long = false;  // a word did not fit in the arena (or argv was full)

  // Expands `raw` into the arena; nullptr (with too_long set) if it does not fit.
  const char* add(StringView raw, const Environment& env);
  StringView name() const { return argc ? StringView(argv[0]) : StringView(); }
};

// Formats into a line buffer and hands it to System::diagnostic with "sh: " before it.
template <typename... Args>
void say_formatted(System& system, libk::FormatString<Args...> fmt, const Args&... args) {
  char line[256];
  libk::BufferSink sink(line, sizeof(line));
  sink.write("sh: ");
  libk::format_to(sink, fmt, args...);
  sink.write("\n");
  system.diagnostic(sink.view());
}

}  // namespace sh
