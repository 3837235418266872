// Pipes (docs/pipes.md): a bounded byte buffer with a read end and a write end, each an
// open-file description (kernel/fs/vfs.hpp) that descriptors, fork and spawn share.
//
// - read blocks while the pipe is empty and a write end is open; it returns what is there
//   (at most what was asked), and 0 (end of file) once the pipe is empty and the write end is
//   closed.
// - write blocks while there is no room and the read end is open; BrokenPipe once the read end
//   is closed (an error, not a kill: the writer decides).
// - A write of at most kAtomicWrite bytes is atomic (POSIX PIPE_BUF): it waits until all of it
//   fits and goes in whole, never interleaved with another writer's bytes. A longer write
//   goes in as room appears and may be interleaved.
// - A reader or writer blocked in a process that is being ended (kill, Ctrl-C) returns
//   Interrupted: wake_all() is called when a process starts ending.
//
// The buffer is a libk::ByteRing whose positions a spin lock guards; one reader and one
// writer at a time (a mutex for each side) copy outside it, side by side. The two wait
// queues' conditions read atomic copies of what they need, so checking and sleeping is atomic
// against a waker (kernel/sched/wait_queue.hpp) on any CPU. Context: thread, for everything
// here.
#pragma once

#include "fs/vfs.hpp"

namespace kernel::fs::pipe {

// The buffer: 256 KiB holds four maximal writes (abi::kMaxWrite), so that a writer and a
// reader of large blocks, each on its own CPU, go on without waiting for each other at every
// block: with 64 KiB, one per write, they took turns and each turn cost two cross-CPU
// wake-ups (bench.pipe.throughput_vs_memcpy on 2 CPUs: 9,700 cycles per KiB with 64 KiB,
// 2,600 with 256 KiB; docs/pipes.md). A pipe's memory comes from the heap at pipe() and
// goes back when both ends are closed.
inline constexpr usize kCapacity = 256 * 1024;
// Pipes alive at once, system-wide: their buffers come from the kernel heap, so without a
// limit processes could take all of it (64 processes of 16 descriptors hold 512 pipes,
// 128 MiB). 32 pipes are 8 MiB, as much as the RAM file system at /tmp may hold; the next
// pipe() gets TooManyFiles (Linux's ENFILE, a system-wide table full) until one closes.
inline constexpr u64 kMaxPipes = 32;
// PIPE_BUF: one page, as Linux. Larger atomic writes would make every writer wait for that
// much room (a small write could not slip into a nearly full pipe); a page covers a line of
// text, a record, and the console's whole line.
inline constexpr usize kAtomicWrite = 4096;
static_assert(kAtomicWrite <= kCapacity);

// The memory on the other side of a transfer: user memory (a system call) or kernel memory
// (OpenFile::read/write). take/give copy at `offset` of it; a failure (Fault) leaves the pipe
// unchanged.
class Memory {
 public:
  virtual usize size() const = 0;
  // Copies into the pipe: to.size() bytes from `offset` of this memory.
  [[nodiscard]] virtual Result<void> take(usize offset, libk::Span<u8> to) = 0;
  // Copies out of the pipe: `from` to `offset` of this memory.
  [[nodiscard]] virtual Result<void> give(usize offset, libk::Bytes from) = 0;

 protected:
  ~Memory() = default;
};

struct Ends {
  OpenFile* read;   // opened kOpenRead
  OpenFile* write;  // opened kOpenWrite
};
// A new pipe: two open-file descriptions with one reference each. TooManyFiles when
// kMaxPipes are alive, NoMemory.
Result<Ends> create();

// Whether `file` is an end of a pipe.
bool is_pipe(const OpenFile& file);
// Reads into `into` (at most into.size() bytes; 0 asked returns 0 at once). BadDescriptor on
// the write end. The caller holds a reference to `file` throughout.
Result<usize> read(OpenFile& file, Memory& into);
// Writes all of `from` unless the read end closes (BrokenPipe, or the bytes written before),
// the process is ended (Interrupted, or the bytes written before) or `from` faults.
// BadDescriptor on the read end.
Result<usize> write(OpenFile& file, Memory& from);

// Wakes every blocked reader and writer, so that those of an ending process return
// Interrupted (the others wait again). Context: thread.
void wake_all();

// Pipes alive (both ends not yet closed), for the leak checks in tests.
u64 live();
// Threads blocked in a pipe's read or write now, for tests.
u64 blocked();

}  // namespace kernel::fs::pipe
