#include "fs/pipe.hpp"

#include <libk/atomic.hpp>
#include <libk/byte_ring.hpp>
#include <libk/intrusive_list.hpp>

#include "memory/heap.hpp"
#include "proc/process.hpp"
#include "sched/wait_queue.hpp"
#include "sync/mutex.hpp"
#include "sync/spinlock.hpp"

namespace kernel::fs::pipe {

namespace {

class Pipe;

// One end of a pipe as the VFS sees it: each end has one open-file description, so closed()
// means the last descriptor of that end is gone.
class End final : public Vnode {
 public:
  End(Pipe& pipe, bool reading) : pipe_(pipe), reading_(reading) {}
  abi::FileType type() const override { return abi::FileType::Pipe; }
  abi::Stat stat() const override;
  Result<usize> read(u64, libk::Span<u8> out) override;
  Result<usize> write(u64, libk::Bytes in) override;
  void closed() override;

  Pipe& pipe() const { return pipe_; }
  bool reading() const { return reading_; }

 private:
  Pipe& pipe_;
  bool reading_;
};

// The ring's bytes are copied outside any spin lock (a copy to or from user memory may fault
// in a page and sleep), and a reader's copy may run while a writer's does: read_lock_ lets
// one reader copy at a time, write_lock_ one writer, and ring_lock_ guards only the ring's
// positions, taken for a moment before and after each copy (libk::ByteRing: the room a
// writer fills and the bytes a reader takes never overlap). So a writer and a reader on two
// CPUs copy side by side instead of waiting for each other's 64 KiB copy.
class Pipe : public libk::ListNode<> {
 public:
  explicit Pipe(u8* storage) : storage_(storage), ring_({storage, kCapacity}) {}
  ~Pipe() { delete[] storage_; }

  End& read_end() { return read_end_; }
  End& write_end() { return write_end_; }
  u64 buffered() const { return used_.load(libk::MemoryOrder::Relaxed); }

  Result<usize> read(Memory& into);
  Result<usize> write(Memory& from);
  // The last descriptor of one end closed; the second call frees the pipe.
  void close_end(bool reading);
  void wake() {
    readable_.wake_all();
    writable_.wake_all();
  }

 private:
  // What a copy step moved, and whether the other side may be asleep waiting for it.
  struct Step {
    usize bytes;
    bool wake;
  };
  bool can_read() const {
    return used_.load() > 0 || !write_open_.load() || proc::current_ending();
  }
  bool can_write(usize need) const {
    return kCapacity - used_.load() >= need || !read_open_.load() || proc::current_ending();
  }
  Result<usize> read_step(Memory& into) EXCLUDES(read_lock_, ring_lock_);
  Result<usize> write_step(Memory& from, usize done, usize need) EXCLUDES(write_lock_, ring_lock_);
  Result<Step> take(Memory& into) REQUIRES(read_lock_) EXCLUDES(ring_lock_);
  Result<Step> put(Memory& from, usize done, usize need) REQUIRES(write_lock_) EXCLUDES(ring_lock_);

  u8* storage_;
  End read_end_{*this, true};
  End write_end_{*this, false};
  Mutex read_lock_{"pipe reader"};   // one reader copies out at a time
  Mutex write_lock_{"pipe writer"};  // one writer copies in at a time: atomic writes stay whole
  SpinLock ring_lock_{"pipe ring", lock_rank::kLeaf};
  libk::ByteRing ring_ GUARDED_BY(ring_lock_);
  // Copies for the wait queues' conditions, which run under the scheduler lock and cannot
  // take the pipe's locks: bytes in the ring (stored under ring_lock_), and the ends open.
  libk::Atomic<u64> used_{0};
  libk::Atomic<bool> read_open_{true};
  libk::Atomic<bool> write_open_{true};
  libk::Atomic<u32> open_ends_{2};
  WaitQueue readable_;  // readers wait for bytes or the write end's close
  WaitQueue writable_;  // writers wait for room or the read end's close
};

// Every live pipe, so that kill can wake their waiters (wake_all).
constinit Mutex registry_lock{"pipes"};
constinit libk::IntrusiveList<Pipe> registry GUARDED_BY(registry_lock);
constinit libk::Atomic<u64> live_pipes{0};
constinit libk::Atomic<u64> blocked_threads{0};

// Sleeps on `queue` until `condition` holds, counted in blocked_threads.
template <typename Condition>
void block(WaitQueue& queue, Condition condition) {
  blocked_threads.fetch_add(1);
  queue.wait_until(condition);
  blocked_threads.fetch_sub(1);
}

// Kernel memory as the other side of a transfer (OpenFile::read/write on a pipe).
class KernelMemory final : public Memory {
 public:
  explicit KernelMemory(libk::Span<u8> bytes) : bytes_(bytes) {}
  usize size() const override { return bytes_.size(); }
  Result<void> take(usize offset, libk::Span<u8> to) override {
    __builtin_memcpy(to.data(), bytes_.data() + offset, to.size());
    return {};
  }
  Result<void> give(usize offset, libk::Bytes from) override {
    __builtin_memcpy(bytes_.data() + offset, from.data(), from.size());
    return {};
  }

 private:
  libk::Span<u8> bytes_;
};

// Copies the ring's bytes (as many as `into` holds) out; consumes them only if all copied.
// Readers sleep only on an empty ring and writers only without room for kAtomicWrite bytes
// (their need), so a step wakes the other side only when it changes that: a read that leaves
// a full (or nearly full) ring, a write into an empty one. Any sleeper saw the state before
// that step (its check and its sleep are atomic against the wake, wait_queue.hpp).
Result<Pipe::Step> Pipe::take(Memory& into) {
  read_lock_.assert_held();
  libk::ByteRing::Pieces pieces;
  {
    SpinLockGuard guard(ring_lock_);
    pieces = ring_.readable(into.size());
  }
  if (pieces.size() == 0) return Step{0, false};
  TRY(into.give(0, pieces.first));
  if (!pieces.second.empty()) TRY(into.give(pieces.first.size(), pieces.second));
  SpinLockGuard guard(ring_lock_);
  bool writers_may_wait = ring_.room() < kAtomicWrite;
  ring_.consume(pieces.size());
  used_.store(ring_.size());
  return Step{pieces.size(), writers_may_wait};
}

// Copies from `from` at `done` into the room, if there is `need` of it (0 bytes otherwise).
Result<Pipe::Step> Pipe::put(Memory& from, usize done, usize need) {
  write_lock_.assert_held();
  libk::ByteRing::Pieces pieces;
  {
    SpinLockGuard guard(ring_lock_);
    if (ring_.room() < need) return Step{0, false};  // another writer got there first
    ring_.rewind_if_empty();  // no other writer holds room: this one has write_lock_
    pieces = ring_.writable(from.size() - done);
  }
  TRY(from.take(done, pieces.first));
  if (!pieces.second.empty()) TRY(from.take(done + pieces.first.size(), pieces.second));
  SpinLockGuard guard(ring_lock_);
  bool readers_may_wait = ring_.empty();
  ring_.commit(pieces.size());
  used_.store(ring_.size());
  return Step{pieces.size(), readers_may_wait};
}

Result<usize> Pipe::read(Memory& into) {
  if (into.size() == 0) return usize(0);
  for (;;) {
    auto n = read_step(into);
    if (!n || n.value() > 0) return n;
    if (!write_open_.load() && buffered() == 0) return usize(0);  // end of file
    if (proc::current_ending()) return libk::unexpected(Error::Interrupted);
    block(readable_, [this] { return can_read(); });
  }
}

// Takes what is in the ring (0 bytes: it was empty), and lets writers know there is room.
Result<usize> Pipe::read_step(Memory& into) {
  Step step;
  {
    MutexLocker lock(read_lock_);
    step = TRY(take(into));
  }
  if (step.wake) writable_.wake_all();
  return step.bytes;
}

// An atomic write waits for room for all of it; a longer one goes in as room appears. A
// write stopped after some bytes went in returns how many.
Result<usize> Pipe::write(Memory& from) {
  usize total = from.size();
  usize need = total <= kAtomicWrite ? total : 1;
  usize done = 0;
  while (done < total) {
    auto n = write_step(from, done, need);
    if (!n) return done > 0 ? Result<usize>(done) : libk::unexpected(n.error());
    done += n.value();
  }
  return done;
}

// Waits for `need` bytes of room, then puts in what fits of `from` after `done`.
Result<usize> Pipe::write_step(Memory& from, usize done, usize need) {
  for (;;) {
    if (!read_open_.load()) return libk::unexpected(Error::BrokenPipe);
    if (proc::current_ending()) return libk::unexpected(Error::Interrupted);
    Step step;
    {
      MutexLocker lock(write_lock_);
      step = TRY(put(from, done, need));
    }
    if (step.wake) readable_.wake_all();
    if (step.bytes > 0) return step.bytes;
    block(writable_, [this, need] { return can_write(need); });
  }
}

void Pipe::close_end(bool reading) {
  (reading ? read_open_ : write_open_).store(false);
  wake();  // readers see the end of file, writers BrokenPipe
  if (open_ends_.fetch_sub(1) != 1) return;
  {
    MutexLocker lock(registry_lock);
    registry.remove(*this);
  }
  live_pipes.fetch_sub(1);
  delete this;
}

abi::Stat End::stat() const {
  return {abi::FileType::Pipe, reading_ ? 0400u : 0200u, pipe_.buffered()};
}

Result<usize> End::read(u64, libk::Span<u8> out) {
  if (!reading_) return libk::unexpected(Error::BadDescriptor);
  KernelMemory into(out);
  return pipe_.read(into);
}

Result<usize> End::write(u64, libk::Bytes in) {
  if (reading_) return libk::unexpected(Error::BadDescriptor);
  KernelMemory from({const_cast<u8*>(in.data()), in.size()});
  return pipe_.write(from);
}

void End::closed() { pipe_.close_end(reading_); }

End& end_of(const OpenFile& file) {
  DEBUG_ASSERT(is_pipe(file));
  return static_cast<End&>(file.node());
}

// Counts a new pipe in live_pipes unless kMaxPipes are alive already.
bool reserve_pipe() {
  u64 n = live_pipes.load();
  do {
    if (n >= kMaxPipes) return false;
  } while (!live_pipes.compare_exchange(n, n + 1));
  return true;
}

}  // namespace

Result<Ends> create() {
  if (!reserve_pipe()) return libk::unexpected(Error::TooManyFiles);
  auto* storage = new (heap::nothrow) u8[kCapacity];
  auto* p = storage != nullptr ? new (heap::nothrow) Pipe(storage) : nullptr;
  if (p == nullptr) {
    delete[] storage;
    live_pipes.fetch_sub(1);
    return libk::unexpected(Error::NoMemory);
  }
  {
    MutexLocker lock(registry_lock);
    registry.push_back(*p);
  }
  // From here each end frees its share of the pipe when its description closes.
  auto read = open_vnode(p->read_end(), abi::kOpenRead);
  auto write = open_vnode(p->write_end(), abi::kOpenWrite);
  if (!read || !write) {
    if (read)
      OpenFile::release(read.value());
    else
      p->read_end().closed();
    if (write)
      OpenFile::release(write.value());
    else
      p->write_end().closed();
    return libk::unexpected(Error::NoMemory);
  }
  return Ends{read.value(), write.value()};
}

bool is_pipe(const OpenFile& file) { return file.node().type() == abi::FileType::Pipe; }

Result<usize> read(OpenFile& file, Memory& into) {
  End& end = end_of(file);
  if (!end.reading()) return libk::unexpected(Error::BadDescriptor);
  return end.pipe().read(into);
}

Result<usize> write(OpenFile& file, Memory& from) {
  End& end = end_of(file);
  if (end.reading()) return libk::unexpected(Error::BadDescriptor);
  return end.pipe().write(from);
}

void wake_all() {
  MutexLocker lock(registry_lock);
  for (Pipe& p : registry) p.wake();
}

u64 live() { return live_pipes.load(libk::MemoryOrder::Relaxed); }

u64 blocked() { return blocked_threads.load(libk::MemoryOrder::Relaxed); }

}  // namespace kernel::fs::pipe
