// The kernel log's memory: a ring of variable-length records in caller-provided storage.
// When full, the oldest records are dropped to make room; every record gets the next
// sequence number, so a reader (a later `dmesg`) can tell what it missed.
//
// Records are stored whole (never split across the end of the ring): a 24-byte header
// (sequence, timestamp, length, level, flags) followed by the text, padded to 8 bytes.
// Not thread-safe: the kernel log serialises writers (kernel/log.hpp).
#pragma once

#include <libk/span.hpp>
#include <libk/string_view.hpp>

namespace libk {

struct LogRecord {
  u64 sequence = 0;
  u64 timestamp_ns = 0;
  u8 level = 0;
  u8 flags = 0;
  StringView text;  // points into the caller's buffer given to read()
};

class LogRing {
 public:
  static constexpr usize kMaxText = 1024;  // longer texts are truncated
  static constexpr usize kHeaderSize = 24;

  constexpr LogRing() = default;

  // Uses `storage` (8-byte aligned, at least 64 bytes) for records. Returns false if it is
  // unusable; append() then does nothing.
  [[nodiscard]] bool init(Span<u8> storage);

  // Stores a record; returns its sequence number.
  u64 append(u8 level, u8 flags, u64 timestamp_ns, StringView text);

  u64 first_sequence() const { return next_sequence_ - count_; }  // oldest still held
  u64 next_sequence() const { return next_sequence_; }            // the next append's
  usize count() const { return count_; }
  u64 dropped() const { return dropped_; }  // records overwritten so far

  // Copies record `sequence` out, its text into `buffer` (truncated to `capacity`).
  // Returns false if that record was dropped or does not exist yet.
  bool read(u64 sequence, LogRecord& out, char* buffer, usize capacity) const;

 private:
  struct Header {
    u64 sequence;
    u64 timestamp_ns;
    u16 length;  // kPadLength: the rest of the ring up to its end is unused
    u8 level;
    u8 flags;
    u32 reserved;
  };
  static_assert(sizeof(Header) == kHeaderSize);
  static constexpr u16 kPadLength = 0xFFFF;

  Header header_at(usize offset) const;
  usize record_size(const Header& h) const;
  usize next_offset(usize offset) const;
  void drop_oldest();

  u8* data_ = nullptr;
  usize capacity_ = 0;
  usize head_ = 0;  // offset of the oldest record
  usize tail_ = 0;  // offset where the next record goes
  usize count_ = 0;
  u64 next_sequence_ = 0;
  u64 dropped_ = 0;
};

}  // namespace libk
