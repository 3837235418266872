// fpu: checks that the kernel keeps each process's x87/SSE/AVX state its own.
//
//   fpu fresh         the state at _start is the clean one (FNINIT's x87 control word,
//                     MXCSR 0x1F80, xmm0-15 and the ymm upper halves zero): no leftovers
//   fpu hold [ROUNDS] puts a value unique to this process in every xmm (ymm with AVX)
//                     register and in MXCSR, yields and spins ROUNDS times (time slices end
//                     meanwhile), and checks that none changed; computes a sum in double
//                     precision around it and checks the result
//
// Exit status 0 when every check passed, 1 otherwise (with a line saying what differed).
// Used by kernel/tests/proc_tests.cpp and tests/qemu/user_tests.py.
#include "ember.hpp"

extern "C" {
void fpu_hold_xmm(const u8* in, u8* out, u64 rounds, u64 spin);
void fpu_hold_ymm(const u8* in, u8* out, u64 rounds, u64 spin);
void fpu_upper_halves(u8* out);
}

namespace {

constexpr u32 kFsaveMxcsr = 24;  // FXSAVE image offsets (SDM Vol. 2A, Table 3-53)
constexpr u32 kFsaveXmm0 = 160;

// AVX usable: CPUID.1:ECX.OSXSAVE[27] and AVX[28], and XCR0 enables SSE and AVX state.
bool avx_usable() {
  u32 a, b, c, d;
  asm volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
  if ((c >> 27 & 1) == 0 || (c >> 28 & 1) == 0) return false;
  u32 lo, hi;
  asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return (lo & 6) == 6;
}

u32 read_mxcsr() {
  u32 v;
  asm volatile("stmxcsr %0" : "=m"(v));
  return v;
}
void write_mxcsr(u32 v) { asm volatile("ldmxcsr %0" : : "m"(v)); }

u32 le32(const u8* p) { return u32(p[0]) | u32(p[1]) << 8 | u32(p[2]) << 16 | u32(p[3]) << 24; }

bool fail(const char* what, u64 value) {
  ember::print("fpu: FAIL ");
  ember::print(what);
  ember::print(" ");
  ember::print_hex(value);
  ember::print("\n");
  return false;
}

bool check_fresh() {
  const u8* img = ember_initial_fpu;
  u16 fcw = u16(img[0] | img[1] << 8);
  if (fcw != 0x037F) return fail("x87 control word at start", fcw);
  if (img[2] | img[3]) return fail("x87 status word at start", img[2] | img[3] << 8);
  if (img[4] != 0) return fail("x87 tag word at start (abridged)", img[4]);
  if (le32(img + kFsaveMxcsr) != 0x1F80) return fail("MXCSR at start", le32(img + kFsaveMxcsr));
  for (u32 i = 0; i < 16 * 16; ++i)
    if (img[kFsaveXmm0 + i] != 0) return fail("xmm byte at start", i);
  if (avx_usable()) {
    u8 upper[256];
    fpu_upper_halves(upper);
    for (u32 i = 0; i < sizeof(upper); ++i)
      if (upper[i] != 0) return fail("ymm upper-half byte at start", i);
  }
  return true;
}

// A sum the compiler must compute at run time: 1/1 + 1/2 + ... + 1/n in double precision,
// compared with a value computed the same way before the registers were handed over.
[[gnu::noinline]] double harmonic(u64 n) {
  double sum = 0;
  for (u64 i = 1; i <= n; ++i) sum += 1.0 / double(i);
  return sum;
}

bool check_hold(u64 rounds) {
  u64 pid = u64(ember::getpid());
  u64 terms = 1000 + pid % 1000;  // H(1000..1999) is between 7.48 and 8.18, whatever the pid
  double before = harmonic(terms);
  // RC (bits 14:13) = round toward zero, and the masks: a value no other process uses.
  u32 mxcsr = 0x1F80 | 3u << 13;
  write_mxcsr(mxcsr);
  bool avx = avx_usable();
  u8 in[512], out[512];
  u32 bytes = avx ? 512 : 256;
  for (u32 i = 0; i < bytes; ++i) {
    in[i] = u8(pid * 37 + i * 7 + 1);
    out[i] = 0;
  }
  if (avx)
    fpu_hold_ymm(in, out, rounds, 200'000);
  else
    fpu_hold_xmm(in, out, rounds, 200'000);
  bool ok = true;
  for (u32 i = 0; i < bytes; ++i)
    if (in[i] != out[i]) {
      ok = fail(avx ? "ymm byte changed" : "xmm byte changed", i);
      break;
    }
  if (read_mxcsr() != mxcsr) ok = fail("MXCSR changed", read_mxcsr());
  write_mxcsr(0x1F80);
  double after = harmonic(terms);
  if (after != before || after < 7.0 || after > 8.5) ok = fail("harmonic sum", u64(after * 1e6));
  ember::print(ok ? "fpu: hold passed (" : "fpu: hold failed (");
  ember::print(avx ? "ymm0-15" : "xmm0-15");
  ember::print(", ");
  ember::print_u64(rounds);
  ember::print(" rounds)\n");
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && ember::streq(argv[1], "fresh")) {
    bool ok = check_fresh();
    ember::print(ok ? "fpu: fresh state is clean\n" : "fpu: fresh state is NOT clean\n");
    return ok ? 0 : 1;
  }
  if (argc >= 2 && ember::streq(argv[1], "hold"))
    return check_hold(ember::parse_count(argc >= 3 ? argv[2] : nullptr, 50)) ? 0 : 1;
  ember::print("usage: fpu fresh | hold [ROUNDS]\n");
  return 2;
}
