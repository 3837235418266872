// read() and write() on a pipe's end, straight between the caller's user memory and the
// pipe's buffer (kernel/fs/pipe.hpp): one copy each way, no bounce through the kernel stack,
// and a write of up to PIPE_BUF bytes reaches the pipe in one piece, so it stays atomic.
// The caller holds a reference to `end` throughout (fs::FileRef), so that another thread
// closing the descriptor cannot free it while this one blocks. Context: a process's
// thread in a system call.
#pragma once

#include "fs/pipe.hpp"

namespace kernel::proc {

// The caller checked that [buffer, buffer + length) lies in user space. The results are
// the system calls' (a short count when part of the buffer faults after some bytes moved).
libk::Result<usize, abi::Error> read_pipe(fs::OpenFile& end, u64 buffer, u64 length);
libk::Result<usize, abi::Error> write_pipe(fs::OpenFile& end, u64 buffer, u64 length);

}  // namespace kernel::proc
