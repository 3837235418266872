// System calls on files and descriptors (docs/syscalls.md): write, read, open, close, stat,
// readdir, dup2.
#include "console.hpp"
#include "proc/syscall_handlers.hpp"
#include "proc/user_memory.hpp"

namespace kernel::proc::syscalls {

namespace {

using abi::Error;

constexpr usize kWriteChunk = 256;
constexpr u64 kStdout = 1, kStderr = 2;

}  // namespace

// write(fd, buffer, length)
Result sys_write(const Frame& f) {
  u64 fd = f.rdi, buffer = f.rsi, length = f.rdx;
  if (fd != kStdout && fd != kStderr) return libk::unexpected(Error::Invalid);
  if (i64(length) < 0) return libk::unexpected(Error::Invalid);
  length = libk::min<u64>(length, abi::kMaxWrite);
  if (!user_range(buffer, length)) return libk::unexpected(Error::Fault);
  char chunk[kWriteChunk];
  u64 done = 0;
  while (done < length) {
    u64 n = libk::min<u64>(kWriteChunk, length - done);
    if (auto r = copy_from_user(chunk, buffer + done, n); !r) {
      if (done == 0) return libk::unexpected(r.error());
      break;  // a short write: what was readable
    }
    console::write({chunk, n});
    done += n;
  }
  return i64(done);
}

Result sys_read(const Frame&) { return libk::unexpected(Error::NoSys); }
Result sys_open(const Frame&) { return libk::unexpected(Error::NoSys); }
Result sys_close(const Frame&) { return libk::unexpected(Error::NoSys); }
Result sys_stat(const Frame&) { return libk::unexpected(Error::NoSys); }
Result sys_readdir(const Frame&) { return libk::unexpected(Error::NoSys); }
Result sys_dup2(const Frame&) { return libk::unexpected(Error::NoSys); }

}  // namespace kernel::proc::syscalls
