#include <libk/sha256.hpp>

namespace libk {

namespace {

// FIPS 180-4 §4.2.2: the first 32 bits of the fractional parts of the cube roots of the
// first 64 primes.
constexpr u32 kRound[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

// §5.3.3: the first 32 bits of the fractional parts of the square roots of the first 8 primes.
constexpr u32 kInitial[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                             0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

constexpr u32 rotr(u32 x, u32 n) { return (x >> n) | (x << (32 - n)); }
// §4.1.2, functions (4.2)-(4.7).
constexpr u32 ch(u32 x, u32 y, u32 z) { return (x & y) ^ (~x & z); }
constexpr u32 maj(u32 x, u32 y, u32 z) { return (x & y) ^ (x & z) ^ (y & z); }
constexpr u32 big_sigma0(u32 x) { return rotr(x, 2) ^ rotr(x, 13) ^ rotr(x, 22); }
constexpr u32 big_sigma1(u32 x) { return rotr(x, 6) ^ rotr(x, 11) ^ rotr(x, 25); }
constexpr u32 small_sigma0(u32 x) { return rotr(x, 7) ^ rotr(x, 18) ^ (x >> 3); }
constexpr u32 small_sigma1(u32 x) { return rotr(x, 17) ^ rotr(x, 19) ^ (x >> 10); }

u32 load_be32(const u8* p) {
  return u32(p[0]) << 24 | u32(p[1]) << 16 | u32(p[2]) << 8 | u32(p[3]);
}

void store_be32(u32 v, u8* p) {
  p[0] = u8(v >> 24), p[1] = u8(v >> 16), p[2] = u8(v >> 8), p[3] = u8(v);
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// One round of §6.2.2 step 3. Instead of shifting the eight working variables every round,
// the caller rotates which of its variables plays a..h: only d and h change.
inline void round(u32 a, u32 b, u32 c, u32& d, u32 e, u32 f, u32 g, u32& h, u32 k_plus_w) {
  u32 t1 = h + big_sigma1(e) + ch(e, f, g) + k_plus_w;
  d += t1;
  h = t1 + big_sigma0(a) + maj(a, b, c);
}

}  // namespace

void Sha256::reset() {
  for (usize i = 0; i < 8; ++i) state_[i] = kInitial[i];
  buffered_ = 0;
  length_ = 0;
}

// §6.2.2 steps 1-4 for one 512-bit block. The message schedule (step 1) is kept as a ring of
// its last 16 words, computed as the rounds need them.
void Sha256::compress(const u8* block) {
  u32 w[16];
  for (usize t = 0; t < 16; ++t) w[t] = load_be32(block + 4 * t);
  u32 a = state_[0], b = state_[1], c = state_[2], d = state_[3];
  u32 e = state_[4], f = state_[5], g = state_[6], h = state_[7];
  auto schedule = [&w](usize t) {
    if (t >= 16)
      w[t & 15] += small_sigma1(w[(t - 2) & 15]) + w[(t - 7) & 15] + small_sigma0(w[(t - 15) & 15]);
    return kRound[t] + w[t & 15];
  };
  for (usize t = 0; t < 64; t += 8) {
    round(a, b, c, d, e, f, g, h, schedule(t));
    round(h, a, b, c, d, e, f, g, schedule(t + 1));
    round(g, h, a, b, c, d, e, f, schedule(t + 2));
    round(f, g, h, a, b, c, d, e, schedule(t + 3));
    round(e, f, g, h, a, b, c, d, schedule(t + 4));
    round(d, e, f, g, h, a, b, c, schedule(t + 5));
    round(c, d, e, f, g, h, a, b, schedule(t + 6));
    round(b, c, d, e, f, g, h, a, schedule(t + 7));
  }
  state_[0] += a, state_[1] += b, state_[2] += c, state_[3] += d;
  state_[4] += e, state_[5] += f, state_[6] += g, state_[7] += h;
}

void Sha256::update(Bytes data) {
  const u8* p = data.data();
  usize n = data.size();
  length_ += n;
  if (buffered_ > 0) {
    usize take = min(n, kBlockSize - buffered_);
    __builtin_memcpy(buffer_ + buffered_, p, take);
    buffered_ += take, p += take, n -= take;
    if (buffered_ < kBlockSize) return;
    compress(buffer_);
    buffered_ = 0;
  }
  for (; n >= kBlockSize; p += kBlockSize, n -= kBlockSize) compress(p);
  if (n > 0) __builtin_memcpy(buffer_, p, n);
  buffered_ = n;
}

// §5.1.1: a 1 bit, zeros up to 448 mod 512 bits, then the length in bits as 64 bits.
Sha256Digest Sha256::finish() {
  u64 bits = length_ * 8;
  buffer_[buffered_++] = 0x80;
  if (buffered_ > kBlockSize - 8) {
    __builtin_memset(buffer_ + buffered_, 0, kBlockSize - buffered_);
    compress(buffer_);
    buffered_ = 0;
  }
  __builtin_memset(buffer_ + buffered_, 0, kBlockSize - 8 - buffered_);
  for (usize i = 0; i < 8; ++i) buffer_[kBlockSize - 1 - i] = u8(bits >> (8 * i));
  compress(buffer_);
  Sha256Digest out;
  for (usize i = 0; i < 8; ++i) store_be32(state_[i], out.bytes + 4 * i);
  reset();
  return out;
}

bool parse_sha256_hex(StringView text, Sha256Digest& out) {
  if (text.size() != 2 * Sha256Digest::kSize) return false;
  for (usize i = 0; i < Sha256Digest::kSize; ++i) {
    int hi = hex_value(text[2 * i]), lo = hex_value(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out.bytes[i] = u8(hi << 4 | lo);
  }
  return true;
}

void Formatter<Sha256Digest>::format(Sink& sink, const Sha256Digest& d, const FormatSpec&) {
  constexpr char kDigits[] = "0123456789abcdef";
  char text[2 * Sha256Digest::kSize];
  for (usize i = 0; i < Sha256Digest::kSize; ++i) {
    text[2 * i] = kDigits[d.bytes[i] >> 4];
    text[2 * i + 1] = kDigits[d.bytes[i] & 15];
  }
  sink.write(StringView(text, sizeof(text)));
}

}  // namespace libk
