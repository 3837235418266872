// A bounded FIFO of bytes over storage the caller owns: the buffer of a pipe
// (kernel/fs/pipe.cpp, docs/pipes.md). Bytes go in at the tail and come out at the head; both
// wrap around the end of the storage, so the bytes in the ring (or its free room) lie in at
// most two pieces. Callers that copy from or into memory that may fault (user memory) ask for
// the pieces, copy, and only then commit or consume what they copied.
//
// One writer and one reader may copy at the same time (the pipe copies outside its lock):
// the room handed out by writable() and the bytes handed out by readable() never overlap,
// and neither consume() nor commit() moves the other side's pieces. Only rewind_if_empty()
// does, so its caller makes sure that no writable() pieces are outstanding.
//
//   ByteRing ring({storage, sizeof(storage)});
//   usize n = ring.write(bytes);   // as much as fits: a partial write when nearly full
//   usize m = ring.read(out);      // as much as is there: a partial read when nearly empty
//
// Pure logic, not synchronised: the owner locks (host-tested in tests/host/byte_ring_test.cpp).
#pragma once

#include <libk/assert.hpp>
#include <libk/span.hpp>

namespace libk {

class ByteRing {
 public:
  // Up to two pieces of storage, in FIFO order; `second` is empty unless the range wraps.
  struct Pieces {
    Span<u8> first, second;
    usize size() const { return first.size() + second.size(); }
  };

  explicit ByteRing(Span<u8> storage) : storage_(storage) { VERIFY(!storage.empty()); }
  ByteRing(const ByteRing&) = delete;
  ByteRing& operator=(const ByteRing&) = delete;

  usize capacity() const { return storage_.size(); }
  usize size() const { return used_; }
  usize room() const { return capacity() - used_; }
  bool empty() const { return used_ == 0; }
  bool full() const { return used_ == capacity(); }

  // The free room, where the next bytes go (`limit` bytes of it at most); commit(n) makes the
  // first n of them part of the ring.
  Pieces writable(usize limit = ~usize{0}) const { return pieces(tail(), min(room(), limit)); }
  void commit(usize n);
  // The bytes in the ring, oldest first (`limit` at most); consume(n) drops the first n.
  Pieces readable(usize limit = ~usize{0}) const { return pieces(head_, min(used_, limit)); }
  void consume(usize n);
  // An empty ring starts over at the beginning of its storage, so that the next write is one
  // piece. Not while a writer holds pieces from writable(): they would no longer be where
  // the ring puts the next bytes.
  void rewind_if_empty() {
    if (used_ == 0) head_ = 0;
  }

  // Copies as much of `in` as fits (an empty ring rewound first); returns how much did (0
  // when full).
  usize write(Span<const u8> in);
  // Copies out as much as `out` holds of what is there; returns how much (0 when empty).
  usize read(Span<u8> out);

 private:
  static usize min(usize a, usize b) { return a < b ? a : b; }
  usize tail() const { return wrap(head_ + used_); }
  usize wrap(usize index) const { return index >= capacity() ? index - capacity() : index; }
  Pieces pieces(usize start, usize count) const;

  Span<u8> storage_;
  usize head_ = 0;  // index of the oldest byte, < capacity
  usize used_ = 0;  // bytes in the ring, <= capacity
};

}  // namespace libk
