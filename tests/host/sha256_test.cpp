// libk/sha256.hpp against NIST's test vectors: the FIPS 180-2 appendix B / NIST "Example
// Algorithms" messages, and the first byte-oriented messages of CAVP's SHA256ShortMsg.rsp.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include <libk/sha256.hpp>

#include "string_sink.hpp"

namespace {

libk::Bytes bytes_of(const std::string& s) {
  return {reinterpret_cast<const u8*>(s.data()), s.size()};
}

std::string hex(const libk::Sha256Digest& d) { return test::format("{}", d); }

std::string digest_of(const std::string& message) {
  return hex(libk::Sha256::of(bytes_of(message)));
}

std::string unhex(const std::string& text) {
  std::string out;
  for (size_t i = 0; i + 1 < text.size(); i += 2)
    out += char(std::stoi(text.substr(i, 2), nullptr, 16));
  return out;
}

// Bytes 0..n-1 of a fixed pattern; digests below from an independent implementation
// (Python's hashlib), at the lengths where the padding changes shape.
std::string pattern(size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += char((i * 7 + 3) & 0xff);
  return out;
}

}  // namespace

TEST_CASE("SHA-256 of the NIST example messages", "[sha256]") {
  CHECK(digest_of("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(digest_of("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(digest_of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(digest_of("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmno"
                  "pqklmnopqrlmnopqrsmnopqrstnopqrstu") ==
        "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

TEST_CASE("SHA-256 of one million 'a' (NIST long message)", "[sha256]") {
  CHECK(digest_of(std::string(1000000, 'a')) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("SHA-256 of CAVP SHA256ShortMsg messages", "[sha256]") {
  struct Vector {
    const char* message;
    const char* digest;
  };
  const Vector vectors[] = {
      {"d3", "28969cdfa74a12c82f3bad960b0b000aca2ac329deea5c2328ebc6f2ba9802c1"},
      {"11af", "5ca7133fa735326081558ac312c620eeca9970d1e70a4b95533d956f072d1f98"},
      {"b4190e", "dff2e73091f6c05e528896c4c831b9448653dc2ff043528f6769437bc7b975c2"},
      {"74ba2521", "b16aa56be3880d18cd41e68384cf1ec8c17680c45a02b1575dc1518923ae8b0e"},
  };
  for (const Vector& v : vectors) {
    INFO("message " << v.message);
    CHECK(digest_of(unhex(v.message)) == v.digest);
  }
}

TEST_CASE("SHA-256 padding at the block boundaries", "[sha256]") {
  struct Length {
    size_t bytes;
    const char* digest;
  };
  // 55 bytes is the longest message whose padding fits one block; 56..63 need two.
  const Length lengths[] = {
      {55, "e7313d333c272e639f790978283f9eb392e843d0f29b7016828bb1daa4aac70b"},
      {56, "4324d65f3c103567f5589c710bc08f8523f929a9272e3af36fc968e52abc6c27"},
      {57, "35df609437dcfea3279283ab79fd554e2bf78f8f7ae2de532d8ee300b09e8f73"},
      {63, "81c80242132f230c3bd41b3e63bbcff16107339549214a99614ff26664625055"},
      {64, "39e3d7b6b5d075d37d053ad89b24b41bef4f3c29760c84447cab3f3be1882241"},
      {65, "aacca6ff74fdbb296d165a45cecfa04e5127bc008770fbbdd48006f2d2fae95e"},
      {119, "9ce7368e4daf32341631b492e80359dc9f594b48453cd0dd5bf0b19279cc177e"},
      {120, "7836b787757e95e58b3ca5aec90b1b004e8deba1e50e9675af9cabf1a13a04b5"},
      {128, "d2742f1f4ac6bb7ca2b239ee18402ba8b3f9f8e652d2a72973c2b9ba11c08cf6"},
      {129, "307f8fc2c1622b92762e818d39a185d4d667ad49a4b07ceae1f4afa008a93ec4"},
  };
  for (const Length& l : lengths) {
    INFO(l.bytes << " bytes");
    CHECK(digest_of(pattern(l.bytes)) == l.digest);
  }
}

TEST_CASE("SHA-256 gives the same digest for any split of the input", "[sha256]") {
  const std::string message = pattern(300);
  const std::string whole = digest_of(message);
  for (size_t first = 0; first <= message.size(); first += 7) {
    for (size_t second : {size_t(1), size_t(63), size_t(64), size_t(65), size_t(200)}) {
      libk::Sha256 h;
      h.update(bytes_of(message.substr(0, first)));
      size_t mid = std::min(message.size(), first + second);
      h.update(bytes_of(message.substr(first, mid - first)));
      h.update(bytes_of(message.substr(mid)));
      INFO("split at " << first << " and " << mid);
      CHECK(hex(h.finish()) == whole);
    }
  }
}

TEST_CASE("SHA-256 is ready for a new message after finish", "[sha256]") {
  libk::Sha256 h;
  h.update(bytes_of("something else"));
  (void)h.finish();
  h.update(bytes_of("abc"));
  CHECK(hex(h.finish()) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("SHA-256 digests parse from hexadecimal text", "[sha256]") {
  libk::Sha256Digest d;
  REQUIRE(libk::parse_sha256_hex("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD",
                                 d));
  CHECK(d == libk::Sha256::of(bytes_of("abc")));
  CHECK_FALSE(libk::parse_sha256_hex("ba7816bf", d));
  const std::string bad_digit = std::string(63, '0') + "g";
  CHECK_FALSE(libk::parse_sha256_hex({bad_digit.data(), bad_digit.size()}, d));
}
