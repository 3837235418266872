#include <libk/byte_ring.hpp>

namespace libk {

ByteRing::Pieces ByteRing::pieces(usize start, usize count) const {
  DEBUG_ASSERT(start < capacity() && count <= capacity());
  usize to_end = capacity() - start;
  if (count <= to_end) return {storage_.subspan(start, count), {}};
  return {storage_.subspan(start, to_end), storage_.subspan(0, count - to_end)};
}

void ByteRing::commit(usize n) {
  VERIFY(n <= room());
  used_ += n;
}

void ByteRing::consume(usize n) {
  VERIFY(n <= used_);
  head_ = wrap(head_ + n);
  used_ -= n;
}

namespace {

// memcpy that accepts empty (possibly null) ranges.
void copy(u8* to, const u8* from, usize n) {
  if (n != 0) __builtin_memcpy(to, from, n);
}

}  // namespace

usize ByteRing::write(Span<const u8> in) {
  rewind_if_empty();
  Pieces to = writable(in.size());
  copy(to.first.data(), in.data(), to.first.size());
  copy(to.second.data(), in.data() + to.first.size(), to.second.size());
  commit(to.size());
  return to.size();
}

usize ByteRing::read(Span<u8> out) {
  Pieces from = readable(out.size());
  copy(out.data(), from.first.data(), from.first.size());
  copy(out.data() + from.first.size(), from.second.data(), from.second.size());
  consume(from.size());
  return from.size();
}

}  // namespace libk
