#include <libk/log_ring.hpp>
#include <libk/utility.hpp>

namespace libk {

bool LogRing::init(Span<u8> storage) {
  data_ = nullptr;
  usize usable = align_down(storage.size(), 8);
  if (usable < 64 || !is_aligned(reinterpret_cast<uptr>(storage.data()), 8)) return false;
  data_ = storage.data();
  capacity_ = usable;
  head_ = tail_ = count_ = 0;
  next_sequence_ = dropped_ = 0;
  return true;
}

LogRing::Header LogRing::header_at(usize offset) const {
  Header h;
  __builtin_memcpy(&h, data_ + offset, sizeof(h));
  return h;
}

usize LogRing::record_size(const Header& h) const { return align_up(kHeaderSize + h.length, 8); }

// The record after the one at `offset`, wrapping past padding and the ring's end.
usize LogRing::next_offset(usize offset) const {
  usize next = offset + record_size(header_at(offset));
  if (next + kHeaderSize > capacity_) return 0;
  if (header_at(next).length == kPadLength) return 0;
  return next;
}

void LogRing::drop_oldest() {
  head_ = next_offset(head_);
  --count_;
  ++dropped_;
  if (count_ == 0) head_ = tail_ = 0;
}

u64 LogRing::append(u8 level, u8 flags, u64 timestamp_ns, StringView text) {
  if (data_ == nullptr) return next_sequence_++;
  usize max_text = min(kMaxText, capacity_ - kHeaderSize);
  if (text.size() > max_text) text = text.substr(0, max_text);
  usize need = align_up(kHeaderSize + text.size(), 8);
  for (;;) {
    if (count_ == 0) head_ = tail_ = 0;
    if (count_ == 0 || tail_ > head_) {  // used space is [head_, tail_)
      if (capacity_ - tail_ >= need) break;
      if (capacity_ - tail_ >= kHeaderSize) {  // mark the unused end, then wrap
        Header pad{0, 0, kPadLength, 0, 0, 0};
        __builtin_memcpy(data_ + tail_, &pad, sizeof(pad));
      }
      tail_ = 0;
      continue;
    }
    if (head_ - tail_ >= need) break;  // used space wraps: free space is [tail_, head_)
    drop_oldest();
  }
  Header h{next_sequence_, timestamp_ns, u16(text.size()), level, flags, 0};
  __builtin_memcpy(data_ + tail_, &h, sizeof(h));
  if (!text.empty()) __builtin_memcpy(data_ + tail_ + kHeaderSize, text.data(), text.size());
  tail_ += need;
  if (tail_ == capacity_) tail_ = 0;
  ++count_;
  return next_sequence_++;
}

bool LogRing::read(u64 sequence, LogRecord& out, char* buffer, usize capacity) const {
  if (sequence < first_sequence() || sequence >= next_sequence_) return false;
  usize offset = head_;
  for (u64 s = first_sequence(); s < sequence; ++s) offset = next_offset(offset);
  Header h = header_at(offset);
  usize n = min(usize(h.length), capacity);
  if (n) __builtin_memcpy(buffer, data_ + offset + kHeaderSize, n);
  out = LogRecord{h.sequence, h.timestamp_ns, h.level, h.flags, StringView(buffer, n)};
  return true;
}

}  // namespace libk
