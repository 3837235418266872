// SHA-256 (NIST FIPS 180-4, §5.3.3 initial value, §6.2 the hash computation). Used by the
// loader to check the files it loads against the digests embedded in it (docs/secure-boot.md).
// Pure logic: no globals, no allocation; any byte sequence is valid input.
#pragma once

#include <libk/format.hpp>
#include <libk/span.hpp>
#include <libk/types.hpp>

namespace libk {

struct Sha256Digest {
  static constexpr usize kSize = 32;
  u8 bytes[kSize] = {};

  friend bool operator==(const Sha256Digest&, const Sha256Digest&) = default;
};

class Sha256 {
 public:
  static constexpr usize kBlockSize = 64;

  Sha256() { reset(); }

  // Hashes `data` after everything given so far; any split of the input gives the same digest.
  void update(Bytes data);
  // Pads the message (§5.1.1) and returns its digest; the object is reset for a new message.
  Sha256Digest finish();

  static Sha256Digest of(Bytes data) {
    Sha256 h;
    h.update(data);
    return h.finish();
  }

 private:
  void reset();
  void compress(const u8* block);

  u32 state_[8];
  u8 buffer_[kBlockSize];
  usize buffered_;
  u64 length_;  // bytes hashed so far; the message length limit is 2^64 - 1 bits (§5.1.1)
};

// Parses 64 hexadecimal digits (either case); false on anything else.
[[nodiscard]] bool parse_sha256_hex(StringView text, Sha256Digest& out);

template <>
struct Formatter<Sha256Digest> {
  // 64 lowercase hexadecimal digits, as sha256sum prints them.
  static void format(Sink& sink, const Sha256Digest& d, const FormatSpec& spec);
};

}  // namespace libk
