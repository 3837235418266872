// What the user shell's executor (sh/executor.hpp) needs from the operating system, as an
// interface: user/programs/sh.cpp implements it with Ember's system calls, the host tests with
// a fake that records every call and simulates processes and descriptors.
//
// Starting a program follows posix_spawn's model: the child starts with a copy of the shell's
// descriptors, applies the FileActions in order, then runs the program. On Unix this maps to
// fork, the actions (open/dup2/close) in the child, then exec; on Ember to spawn with a
// descriptor plan. Errors are abi::Error values (the system calls' own), NoSys for what the
// system cannot do yet.
#pragma once

#include <abi/syscalls.hpp>

#include <libk/result.hpp>
#include <libk/span.hpp>
#include <libk/string_view.hpp>

namespace sh {

using abi::Error;

// open() flags (the executor's own values; an implementation maps them to its system's).
enum OpenFlags : u32 {
  kOpenRead = 1u << 0,
  kOpenWrite = 1u << 1,
  kOpenCreate = 1u << 2,
  kOpenTruncate = 1u << 3,
  kOpenAppend = 1u << 4,
};

struct FileAction {
  enum class Kind : u8 { Open, Dup2, Close };
  Kind kind;
  i32 fd;            // the child's descriptor this action sets (Open, Dup2) or closes (Close)
  i32 source;        // Dup2: the descriptor copied to fd
  u32 flags;         // Open: OpenFlags
  const char* path;  // Open: the file, NUL-terminated
};

struct PipeFds {
  i32 read, write;
};

// Where spawn puts the child (process groups, for an interactive shell's job control): the
// shell's own group, a new group the child leads (its pid is the group's number), or the
// group of an earlier stage of the same pipeline.
inline constexpr i64 kGroupShell = -1;
inline constexpr i64 kGroupNew = 0;

// Why a spawn failed: the error, and which action caused it (-1: the program itself).
struct SpawnError {
  Error error;
  i32 action;
};

class System {
 public:
  // Starts `path` with `argv` (null-terminated) and the actions, in process group `group`
  // (kGroupShell, kGroupNew or a group's number); returns its process id.
  [[nodiscard]] virtual libk::Result<i64, SpawnError> spawn(const char* path,
                                                            const char* const* argv,
                                                            libk::Span<const FileAction> actions,
                                                            i64 group) = 0;
  // Makes `group` the terminal's foreground group (Ctrl-C ends it); 0: no group, the shell
  // reads its next command (Ctrl-C only drops the line being typed).
  [[nodiscard]] virtual libk::Result<void, Error> set_foreground(i64 group) = 0;
  // Shows the prompt before a line of commands is read: the primary one, or the
  // continuation prompt when the command so far is incomplete (an open quote, a trailing
  // `|`). Only interactive shells are asked.
  virtual void prompt(bool continuation) = 0;
  // Waits for the child `pid`; returns its exit status.
  [[nodiscard]] virtual libk::Result<i64, Error> wait(i64 pid) = 0;
  [[nodiscard]] virtual libk::Result<PipeFds, Error> pipe() = 0;
  [[nodiscard]] virtual libk::Result<i32, Error> open(const char* path, u32 flags) = 0;
  [[nodiscard]] virtual libk::Result<void, Error> close(i32 fd) = 0;
  // Makes descriptor `to` refer to what `from` does (closing `to` first); BadDescriptor if
  // `from` is not open.
  [[nodiscard]] virtual libk::Result<void, Error> dup2(i32 from, i32 to) = 0;
  // Reads at most `size` bytes; 0 at the end of the file.
  [[nodiscard]] virtual libk::Result<usize, Error> read(i32 fd, char* buffer, usize size) = 0;
  [[nodiscard]] virtual libk::Result<void, Error> chdir(const char* path) = 0;
  // Runs `body(context)` in a copy of the shell (fork) that leads a process group of its own
  // and never has the terminal, and exits with body's result; returns the copy's pid at once
  // (a background `a && b &`). NoSys where the system cannot copy a process.
  [[nodiscard]] virtual libk::Result<i64, Error> fork_run(i64 (*body)(void*), void* context) = 0;
  // The shell's own diagnostics ("sh: ..."), to its standard error.
  virtual void diagnostic(StringView text) = 0;

 protected:
  ~System() = default;
};

}  // namespace sh
