// In-kernel tests of pipes (docs/pipes.md), in test=all: bytes in order and the end of file
// through the open-file descriptions, BrokenPipe, the wrong end refused, atomic writes of
// PIPE_BUF bytes from writers on two CPUs never interleaved, a reader and a writer pinned to
// different CPUs moving 1 MiB through the 256 KiB buffer (each blocks and is woken by the
// other), and kill reaching programs blocked in a pipe's read and in its write; each with
// every pipe, open file and heap block given back. And bench.pipe.throughput_vs_memcpy.
#include <abi/syscalls.hpp>

#include <hal/cpu.hpp>
#include <hal/user_mode.hpp>
#include <libk/format.hpp>

#include "cpu/percpu.hpp"
#include "fs/pipe.hpp"
#include "ktest.hpp"
#include "memory/heap.hpp"
#include "memory/pmm.hpp"
#include "proc/process.hpp"
#include "sched/thread.hpp"
#include "tests/proc_support.hpp"
#include "tests/settle.hpp"
#include "time.hpp"

namespace kernel {

namespace {

using test_support::eventually;

using abi::Error;
using fs::pipe::Ends;
using libk::StringView;

// What a pipe leaves behind if it leaks: itself, its two descriptions, its buffer.
struct Counts {
  u64 pipes = fs::pipe::live();
  u64 files = fs::open_files();
  u64 large = heap::large_stats().live_blocks;
  bool operator==(const Counts&) const = default;
};

u8 pattern(u64 i) { return u8(i * 7 + (i >> 11)); }

}  // namespace

KTEST("pipe.bytes_in_order_then_end_of_file") {
  Counts before;
  auto ends = fs::pipe::create();
  if (!KEXPECT(ends.ok())) return;
  Ends e = ends.value();
  KEXPECT_EQ(fs::pipe::live(), before.pipes + 1);
  const u8 hello[] = {'h', 'e', 'l', 'l', 'o'};
  KEXPECT(e.write->write(hello).value() == 5);
  KEXPECT(e.write->write({hello, 2}).value() == 2);
  KEXPECT(e.read->node().stat().size == 7);
  u8 out[16] = {};
  KEXPECT(e.read->read({out, 3}).value() == 3);  // a partial read leaves the rest
  KEXPECT(e.read->read(out).value() == 4);       // what is there, not what was asked
  KEXPECT(out[0] == 'l' && out[1] == 'o' && out[2] == 'h' && out[3] == 'e');
  fs::OpenFile::release(e.write);
  KEXPECT(e.read->read(out).value() == 0);  // end of file, and again
  KEXPECT(e.read->read(out).value() == 0);
  fs::OpenFile::release(e.read);
  KEXPECT(Counts{} == before);
}

// Pipes' buffers come from the kernel heap: past kMaxPipes alive, pipe() says TooManyFiles
// and takes nothing; closing one lets the next through.
KTEST("pipe.past_the_system_wide_limit_pipe_is_refused") {
  Counts before;
  static Ends made[fs::pipe::kMaxPipes];
  u64 n = 0;
  for (; before.pipes + n < fs::pipe::kMaxPipes; ++n) {
    auto ends = fs::pipe::create();
    if (!KEXPECT(ends.ok())) break;
    made[n] = ends.value();
  }
  KEXPECT_EQ(fs::pipe::live(), fs::pipe::kMaxPipes);
  Counts full;
  auto refused = fs::pipe::create();
  KEXPECT(!refused.ok() && refused.error() == abi::Error::TooManyFiles);
  KEXPECT(Counts{} == full);  // nothing taken by the refusal
  if (n > 0) {
    fs::OpenFile::release(made[n - 1].read);
    fs::OpenFile::release(made[n - 1].write);
    auto again = fs::pipe::create();
    if (KEXPECT(again.ok())) made[n - 1] = again.value();
  }
  for (u64 i = 0; i < n; ++i) {
    fs::OpenFile::release(made[i].read);
    fs::OpenFile::release(made[i].write);
  }
  KEXPECT(Counts{} == before);
}

KTEST("pipe.write_without_reader_is_broken_pipe_and_wrong_ends_refused") {
  Counts before;
  auto ends = fs::pipe::create();
  if (!KEXPECT(ends.ok())) return;
  Ends e = ends.value();
  u8 byte = 1;
  KEXPECT(e.read->write({&byte, 1}).error() == Error::BadDescriptor);
  KEXPECT(e.write->read({&byte, 1}).error() == Error::BadDescriptor);
  KEXPECT(e.read->node().stat().type == abi::FileType::Pipe);
  fs::OpenFile::release(e.read);
  KEXPECT(e.write->write({&byte, 1}).error() == Error::BrokenPipe);
  fs::OpenFile::release(e.write);
  KEXPECT(Counts{} == before);
}

namespace {

constexpr u64 kStreamBytes = 1024 * 1024;

struct Stream {
  Ends ends;
  u64 read_sum = 0, read_bytes = 0;
  bool in_order = true;
  u32 writer_cpu = 0, reader_cpu = 0;
};

// Writes kStreamBytes of pattern() in odd sizes (up to 70,000 bytes), then closes.
void stream_writer(void* arg) {
  auto& s = *static_cast<Stream*>(arg);
  static u8 chunk[70000];
  u64 done = 0;
  for (u64 step = 0; done < kStreamBytes; ++step) {
    u64 n = libk::min<u64>((step * 7919) % sizeof(chunk) + 1, kStreamBytes - done);
    for (u64 i = 0; i < n; ++i) chunk[i] = pattern(done + i);
    auto w = s.ends.write->write({chunk, n});
    if (!w || w.value() != n) break;
    done += n;
    s.writer_cpu |= 1u << thread::current().cpu();
  }
  fs::OpenFile::release(s.ends.write);
}

void stream_reader(void* arg) {
  auto& s = *static_cast<Stream*>(arg);
  static u8 chunk[5000];
  for (u64 step = 0;; ++step) {
    u64 n = (step * 613) % sizeof(chunk) + 1;
    auto r = s.ends.read->read({chunk, n});
    if (!r || r.value() == 0) break;
    for (u64 i = 0; i < r.value(); ++i) {
      s.in_order &= chunk[i] == pattern(s.read_bytes + i);
      s.read_sum += chunk[i];
    }
    s.read_bytes += r.value();
    s.reader_cpu |= 1u << thread::current().cpu();
  }
  fs::OpenFile::release(s.ends.read);
}

}  // namespace

// Each side blocks many times (the writer on a full buffer, the reader on an empty one) and
// only the other side, on the other CPU, wakes it.
KTEST("pipe.reader_and_writer_on_two_cpus_move_1_mib") {
  Counts before;
  u32 other = online_count() > 1 ? 1 : 0;
  auto ends = fs::pipe::create();
  if (!KEXPECT(ends.ok())) return;
  Stream s{.ends = ends.value()};
  auto reader = thread::create("pipe-reader", stream_reader, &s, {.cpu = other});
  auto writer = thread::create("pipe-writer", stream_writer, &s, {.cpu = 0});
  if (!KEXPECT(reader.ok() && writer.ok())) return;
  thread::join(*writer.value());
  thread::join(*reader.value());
  u64 sum = 0;
  for (u64 i = 0; i < kStreamBytes; ++i) sum += pattern(i);
  KEXPECT_EQ(s.read_bytes, kStreamBytes);
  KEXPECT_EQ(s.read_sum, sum);
  KEXPECT(s.in_order);
  KEXPECT_EQ(s.writer_cpu, 1u);
  KEXPECT_EQ(s.reader_cpu, 1u << other);
  KEXPECT(Counts{} == before);
}

namespace {

// The other side of a write whose copy into the pipe stops at its start until `go`: the
// writer then holds room in the ring, half-way through its step.
class HeldMemory final : public fs::pipe::Memory {
 public:
  static constexpr usize kBytes = 5000;
  usize size() const override { return kBytes; }
  fs::Result<void> take(usize offset, libk::Span<u8> to) override {
    copying.store(true);
    (void)test_support::eventually([this] { return go.load(); });
    for (usize i = 0; i < to.size(); ++i) to[i] = pattern(offset + i);
    return {};
  }
  fs::Result<void> give(usize, libk::Bytes) override { VERIFY(false); }

  libk::Atomic<bool> copying{false}, go{false};
};

struct Held {
  Ends ends;
  HeldMemory memory;
  u64 wrote = 0, read = 0;
  u8 first[200] = {};
  libk::Atomic<bool> read_done{false};
};

void held_writer(void* arg) {
  auto& h = *static_cast<Held*>(arg);
  auto w = fs::pipe::write(*h.ends.write, h.memory);
  h.wrote = w ? w.value() : 0;
}

void early_reader(void* arg) {
  auto& h = *static_cast<Held*>(arg);
  auto r = h.ends.read->read(h.first);
  h.read = r ? r.value() : 0;
  h.read_done.store(true);
}

}  // namespace

// A reader takes the bytes already in the pipe while a writer is in the middle of copying
// more in: the two sides copy outside one lock (on two CPUs, side by side). With one lock
// around both copies the reader would wait for the writer, which here waits for the reader
// (released after 10 s, then the check fails).
KTEST("pipe.a_reader_is_not_held_up_by_a_writer_copying_in") {
  Counts before;
  u32 other = online_count() > 1 ? 1 : 0;
  auto ends = fs::pipe::create();
  if (!KEXPECT(ends.ok())) return;
  Held h{.ends = ends.value()};  // the threads are joined before it goes
  u8 early[100];
  __builtin_memset(early, 0xa5, sizeof(early));
  KEXPECT(h.ends.write->write(early).value() == sizeof(early));
  auto writer = thread::create("pipe-held-writer", held_writer, &h, {.cpu = 0});
  if (!KEXPECT(writer.ok())) return;
  KEXPECT(test_support::eventually([&h] { return h.memory.copying.load(); }));
  auto reader = thread::create("pipe-early-reader", early_reader, &h, {.cpu = other});
  if (!KEXPECT(reader.ok())) return;
  KEXPECT(test_support::eventually([&h] { return h.read_done.load(); }));
  h.memory.go.store(true);
  thread::join(*reader.value());
  thread::join(*writer.value());
  KEXPECT_EQ(h.read, u64{sizeof(early)});  // those, and none of the held writer's
  KEXPECT(h.first[0] == 0xa5 && h.first[sizeof(early) - 1] == 0xa5);
  KEXPECT_EQ(h.wrote, u64{HeldMemory::kBytes});
  static u8 rest[HeldMemory::kBytes];
  u64 got = 0;
  bool in_order = true;
  while (got < HeldMemory::kBytes) {
    auto r = h.ends.read->read({rest, sizeof(rest) - got});
    if (!KEXPECT(r.ok() && r.value() > 0)) break;
    for (u64 i = 0; i < r.value(); ++i) in_order &= rest[i] == pattern(got + i);
    got += r.value();
  }
  KEXPECT(in_order);
  fs::OpenFile::release(h.ends.read);
  fs::OpenFile::release(h.ends.write);
  KEXPECT(Counts{} == before);
}

namespace {

struct Records {
  Ends ends;
  u8 mark;
  u32 writes = 0;
};

constexpr u32 kRecords = 64;

// kRecords writes of exactly PIPE_BUF bytes, each all `mark`.
void record_writer(void* arg) {
  auto& r = *static_cast<Records*>(arg);
  static u8 records[2][fs::pipe::kAtomicWrite];
  u8* record = records[r.mark & 1];
  __builtin_memset(record, r.mark, fs::pipe::kAtomicWrite);
  for (u32 i = 0; i < kRecords; ++i) {
    auto w = r.ends.write->write({record, fs::pipe::kAtomicWrite});
    if (w && w.value() == fs::pipe::kAtomicWrite) ++r.writes;
    thread::yield();
  }
}

}  // namespace

// Two writers on two CPUs, PIPE_BUF bytes each time, into a pipe kept nearly full: every
// PIPE_BUF-aligned block the reader sees is one writer's record, whole.
KTEST("pipe.writes_of_pipe_buf_bytes_are_atomic") {
  Counts before;
  auto ends = fs::pipe::create();
  if (!KEXPECT(ends.ok())) return;
  u32 other = online_count() > 1 ? 1 : 0;
  Records a{ends.value(), 0xA1}, b{ends.value(), 0xB2};
  // Leave room that is not a multiple of the record: a non-atomic write would split.
  static u8 filler[fs::pipe::kCapacity - 100];
  __builtin_memset(filler, 0xF0, sizeof(filler));
  KEXPECT(ends.value().write->write(filler).value() == sizeof(filler));
  auto ta = thread::create("pipe-rec-a", record_writer, &a, {.cpu = 0});
  auto tb = thread::create("pipe-rec-b", record_writer, &b, {.cpu = other});
  if (!KEXPECT(ta.ok() && tb.ok())) return;
  static u8 block[fs::pipe::kAtomicWrite];
  u64 got = 0;
  while (got < sizeof(filler)) {
    auto r = ends.value().read->read({block, libk::min<u64>(777, sizeof(filler) - got)});
    if (!KEXPECT(r.ok())) break;
    got += r.value();
  }
  u32 whole = 0;
  for (u32 i = 0; i < 2 * kRecords; ++i) {
    u64 have = 0;
    while (have < sizeof(block)) {
      auto r = ends.value().read->read({block + have, sizeof(block) - have});
      if (!KEXPECT(r.ok() && r.value() > 0)) break;
      have += r.value();
    }
    bool uniform = true;
    for (u8 c : block) uniform &= c == block[0];
    whole += uniform && (block[0] == 0xA1 || block[0] == 0xB2);
  }
  thread::join(*ta.value());
  thread::join(*tb.value());
  KEXPECT_EQ(whole, 2 * kRecords);
  KEXPECT_EQ(a.writes + b.writes, 2 * kRecords);
  fs::OpenFile::release(ends.value().read);
  fs::OpenFile::release(ends.value().write);
  KEXPECT(Counts{} == before);
}

// pipetest block-read / block-write: a program that blocks in a pipe it holds both ends of,
// ended by kill while it sleeps there.
KTEST("pipe.kill_interrupts_a_blocked_reader_and_writer") {
  const StringView modes[] = {"block-read", "block-write"};
  for (StringView mode : modes) {
    Counts before;
    u64 frames = pmm::pages_owned_by(pmm::Owner::User);
    u64 blocked = fs::pipe::blocked();
    StringView argv[] = {"pipetest", mode};
    auto pid = proc::spawn("/bin/pipetest", argv, proc::kKernelParent);
    if (!KEXPECT(pid.ok())) return;
    KEXPECT(eventually([&] { return fs::pipe::blocked() == blocked + 1; }));
    KEXPECT(proc::kill(pid.value(), abi::kStatusKilled).ok());
    // Not woken, it would sleep for ever: fail rather than wait for it.
    if (!KEXPECT(eventually([&] { return !proc::running(pid.value()); }))) return;
    auto status = proc::wait(pid.value(), proc::kKernelParent);
    KEXPECT(status.ok() && status.value() == abi::kStatusKilled);
    KEXPECT_EQ(fs::pipe::blocked(), blocked);
    KEXPECT(Counts{} == before);
    KEXPECT_EQ(pmm::pages_owned_by(pmm::Owner::User), frames);
  }
}

// pipe() from a kernel thread: a pointer outside user space is Fault before anything is
// made; a kernel thread has no descriptor table (TooManyFiles).
KTEST("pipe.syscall_checks_its_pointer_first") {
  Counts before;
  i32 fds[2];
  KEXPECT_EQ(test_support::syscall(abi::Syscall::Pipe, reinterpret_cast<u64>(fds)),
             i64(Error::Fault));
  KEXPECT_EQ(test_support::syscall(abi::Syscall::Pipe, 0x1000), i64(Error::TooManyFiles));
  KEXPECT(Counts{} == before);
}

}  // namespace kernel

namespace kernel {

// Every pipetest check from ring 3 (the pipelines with 256 KiB) (fork, spawn, exit with pipe ends
// open) leaves no pipe, open file, heap block or user frame behind.
KTEST("pipe.pipetest_passes_and_frees_every_pipe") {
  Counts before;
  u64 frames = pmm::pages_owned_by(pmm::Owner::User);
  auto status = test_support::run("/bin/pipetest", "pipetest", "all", "262144");
  KEXPECT(status.ok());
  KEXPECT_EQ(status.ok() ? status.value() : i64(status.error()), i64{0});
  KEXPECT_EQ(fs::pipe::live(), before.pipes);
  KEXPECT_EQ(fs::open_files(), before.files);
  KEXPECT_EQ(heap::large_stats().live_blocks, before.large);
  KEXPECT_EQ(pmm::pages_owned_by(pmm::Owner::User), frames);
}

namespace {

// Cycles per KiB of copying `blocks` blocks of `block` bytes with `copy`: the best of five
// runs (under QEMU the host may stop the virtual CPU at any time; the least disturbed run is
// the closest to the cost).
template <typename Copy>
u64 cycles_per_kib(u64 blocks, usize block, Copy copy) {
  copy();  // warm
  u64 best = ~u64{0};
  for (u32 run = 0; run < 5; ++run) {
    u64 start = hal::cpu::rdtsc();
    for (u64 i = 0; i < blocks; ++i) copy();
    best = libk::min(best, (hal::cpu::rdtsc() - start) / (blocks * (block / 1024)));
  }
  return best;
}

// The same for pipetest bench (its exit status), the best of three runs.
libk::Result<i64, Error> pipe_cycles_per_kib(StringView blocks) {
  i64 best = 0;
  for (u32 run = 0; run < 3; ++run) {
    i64 cost = TRY(test_support::run("/bin/pipetest", "pipetest", "bench", blocks));
    if (cost <= 0) return cost;
    if (best == 0 || cost < best) best = cost;
  }
  return best;
}

}  // namespace

// Throughput of a pipe between two processes (pipetest bench: 64 KiB writes, a forked reader
// with 64 KiB reads; cycles per KiB) against the kernel's memcpy of the same 64 KiB blocks
// between two heap buffers: both as bytes per 1000 cycles, and the ratio (pipe / memcpy);
// each the best of several runs. Where the time goes: the pipe's two copies per byte (user to ring,
// ring to user) done by hal_copy_user, the user-copy routine, on kernel buffers, without system
// calls or switches.
KTEST_MANUAL("bench.pipe.throughput_vs_memcpy") {
  constexpr u64 kBlocks = 128;
  constexpr usize kBlock = 64 * 1024;
  auto per_kib = pipe_cycles_per_kib("128");
  if (!KEXPECT(per_kib.ok() && per_kib.value() > 0)) return;
  auto* from = new (heap::nothrow) u8[kBlock];
  auto* to = new (heap::nothrow) u8[kBlock];
  if (!KEXPECT(from != nullptr && to != nullptr)) return;
  __builtin_memset(from, 0x5a, kBlock);
  u64 memcpy_per_kib = cycles_per_kib(kBlocks, kBlock, [&] {
    __builtin_memcpy(to, from, kBlock);
    asm volatile("" : : "r"(to) : "memory");
  });
  u64 user_copies_per_kib = cycles_per_kib(kBlocks, kBlock, [&] {
    (void)hal_copy_user(to, from, kBlock);
    (void)hal_copy_user(from, to, kBlock);
  });
  delete[] from;
  delete[] to;
  u64 pipe = u64(per_kib.value());
  u64 ratio_x1000 = memcpy_per_kib * 1000 / (pipe ? pipe : 1);
  libk::format_to(ktest::out(),
                  "KBENCH pipe.throughput: {} MiB in 64 KiB writes: pipe {} cycles per KiB ({} "
                  "bytes per 1000 cycles); kernel memcpy {} cycles per KiB ({} bytes per 1000 "
                  "cycles); ratio {}.{:03}; the pipe's two user copies alone {} cycles per KiB\n",
                  kBlocks * kBlock / (1024 * 1024), pipe, 1024 * 1000 / (pipe ? pipe : 1),
                  memcpy_per_kib, 1024 * 1000 / (memcpy_per_kib ? memcpy_per_kib : 1),
                  ratio_x1000 / 1000, ratio_x1000 % 1000, user_copies_per_kib);
}

}  // namespace kernel
