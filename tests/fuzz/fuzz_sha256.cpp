// libFuzzer harness for SHA-256: any input, split at any points chosen by the input itself,
// hashes to the same digest as in one call, and the digest's text parses back to it. Any
// violation traps; ASan/UBSan watch every read of the input.
#include <stddef.h>
#include <stdint.h>

#include <libk/sha256.hpp>

namespace {

void require(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  libk::Bytes input(data, size);
  const libk::Sha256Digest whole = libk::Sha256::of(input);
  // The first byte picks the chunk sizes for the incremental run: 1..256 bytes.
  usize step = size > 0 ? usize(data[0]) + 1 : 1;
  libk::Sha256 h;
  for (usize at = 0; at < size;) {
    h.update(input.subspan(at, step));
    at += step;
    step = step * 5 % 193 + 1;
  }
  require(h.finish() == whole);
  char text[2 * libk::Sha256Digest::kSize + 1];
  libk::BufferSink sink(text, sizeof(text));
  libk::format_to(sink, "{}", whole);
  require(sink.length() == 2 * libk::Sha256Digest::kSize);
  libk::Sha256Digest parsed;
  require(libk::parse_sha256_hex(libk::StringView(text, sink.length()), parsed) && parsed == whole);
  return 0;
}
