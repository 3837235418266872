// The C memory functions the compiler may call implicitly (struct copies, zeroing) in the
// freestanding targets. Built only for the kernel and the loader; hosted builds use libc.
// no_builtin stops clang from recognising these loops as memcpy and calling itself.
#include <libk/types.hpp>

extern "C" {

[[clang::no_builtin]] void* memcpy(void* dst, const void* src, size_t n) {
  auto* d = static_cast<u8*>(dst);
  const auto* s = static_cast<const u8*>(src);
  while (n >= 8) {
    u64 word;
    __builtin_memcpy_inline(&word, s, 8);
    __builtin_memcpy_inline(d, &word, 8);
    d += 8, s += 8, n -= 8;
  }
  while (n--) *d++ = *s++;
  return dst;
}

[[clang::no_builtin]] void* memmove(void* dst, const void* src, size_t n) {
  auto* d = static_cast<u8*>(dst);
  const auto* s = static_cast<const u8*>(src);
  if (d == s || n == 0) return dst;
  if (d + n <= s || s + n <= d) return memcpy(dst, src, n);  // disjoint
  if (d < s) {
    // Forward, byte by byte: safe for any overlap with dst below src. (memcpy's contract
    // does not allow overlap, whatever order it happens to copy in.)
    for (size_t i = 0; i < n; ++i) d[i] = s[i];
    return dst;
  }
  while (n--) d[n] = s[n];  // dst above src: backwards
  return dst;
}

[[clang::no_builtin]] void* memset(void* dst, int value, size_t n) {
  auto* d = static_cast<u8*>(dst);
  u64 pattern = u64(u8(value)) * 0x0101010101010101ull;
  while (n >= 8) {
    __builtin_memcpy_inline(d, &pattern, 8);
    d += 8, n -= 8;
  }
  while (n--) *d++ = u8(value);
  return dst;
}

[[clang::no_builtin]] int memcmp(const void* a, const void* b, size_t n) {
  const auto* x = static_cast<const u8*>(a);
  const auto* y = static_cast<const u8*>(b);
  for (size_t i = 0; i < n; ++i)
    if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
  return 0;
}

}  // extern "C"
