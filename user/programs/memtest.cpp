// memtest: a process's memory from ring 3 (docs/processes.md, "A process's memory"). Without
// a mode it checks brk, mmap and munmap (each bad argument's error), demand-zero pages, stack
// growth and a malloc stress, printing every failed check; exit status 0 if all passed, 1
// otherwise. The modes that must end in a fault (status 142, #PF) and the benchmark modes
// are run by kernel/tests/proc_memory_tests.cpp.
//
//   memtest [use-after-free | write-readonly | prot-none | stack-limit |
//            bench-fault N | bench-touch N]
#include "ember.hpp"

namespace {

using abi::Error;

constexpr u64 kPage = 4096;
constexpr u64 kRW = abi::kProtRead | abi::kProtWrite;
constexpr u64 kKernel = 0xffff'8000'0000'0000ull;

constinit u32 failures = 0;

u64 opaque(u64 v) {
  asm volatile("" : "+r"(v));
  return v;
}

void check(bool ok, const char* what, i64 got = 0) {
  if (ok) return;
  ++failures;
  ember::print("memtest: FAIL ");
  ember::print(what);
  ember::print(" (got ");
  ember::print_i64(got);
  ember::print(")\n");
}

void expect(i64 got, i64 want, const char* what) { check(got == want, what, got); }
void expect(i64 got, Error want, const char* what) { expect(got, i64(want), what); }

bool all_bytes(const u8* p, u64 n, u8 value) {
  for (u64 i = 0; i < n; ++i)
    if (p[i] != value) return false;
  return true;
}

u8* at(i64 address) { return reinterpret_cast<u8*>(address); }

void test_brk() {
  i64 base = ember::brk(0);
  check(base > 0 && base % kPage == 0, "brk(0) gives the page-aligned heap start", base);
  expect(ember::brk(u64(base) + 10'000), base + 10'000, "brk grows");
  check(all_bytes(at(base), 10'000, 0), "new heap memory reads as zero");
  for (u64 i = 0; i < 10'000; ++i) at(base)[i] = u8(i);
  check(at(base)[9'999] == u8(9'999), "heap memory keeps what was written");
  expect(ember::brk(0), base + 10'000, "brk(0) gives the break");
  expect(ember::brk(u64(base)), base, "brk shrinks to the start");
  expect(ember::brk(u64(base) + kPage), base + i64(kPage), "brk grows again");
  check(all_bytes(at(base), kPage, 0), "a page freed by shrinking comes back zeroed");
  expect(ember::brk(u64(base)), base, "brk shrinks");
  expect(ember::brk(u64(base) - kPage), Error::Invalid, "brk below the heap start");
  expect(ember::brk(kKernel), Error::Invalid, "brk at a kernel address");
  expect(ember::brk(~u64{0}), Error::Invalid, "brk at 2^64 - 1");
  expect(ember::brk(u64(base) + (u64{1} << 40)), Error::NoMemory, "brk past the limit");
  expect(ember::brk(0), base, "a failed brk leaves the break");
}

void test_mmap() {
  i64 a = ember::mmap(0, 3 * kPage + 1, kRW);  // rounded up to 4 pages
  check(a > 0 && a % kPage == 0, "mmap gives a page-aligned address", a);
  if (a <= 0) return;
  check(all_bytes(at(a), 4 * kPage, 0), "mmap memory reads as zero");
  for (u64 i = 0; i < 4 * kPage; ++i) at(a)[i] = 0x5a;
  // A partial unmap splits the mapping; the rest stays usable.
  expect(ember::munmap(u64(a) + kPage, kPage), 0, "munmap of one page in the middle");
  at(a)[0] = 1;
  at(a)[2 * kPage] = 2;
  check(at(a)[kPage - 1] == 0x5a && at(a)[3 * kPage] == 0x5a, "the rest keeps its data");
  // One call over both pieces and the hole between them.
  expect(ember::munmap(u64(a), 4 * kPage), 0, "munmap spanning two areas and a hole");
  expect(ember::munmap(u64(a), 4 * kPage), Error::Invalid, "munmap where nothing is mapped");

  // A free hint is taken; an occupied one is not.
  i64 b = ember::mmap(u64(a), kPage, kRW);
  expect(b, a, "mmap takes a free hint");
  i64 c = ember::mmap(u64(a), kPage, kRW);
  check(c > 0 && c != a, "mmap moves past an occupied hint", c);
  expect(ember::munmap(u64(b), kPage), 0, "munmap b");
  expect(ember::munmap(u64(c), kPage), 0, "munmap c");

  i64 none = ember::mmap(0, kPage, abi::kProtNone);
  check(none > 0, "mmap with no access reserves", none);
  expect(ember::munmap(u64(none), kPage), 0, "munmap of a no-access mapping");

  // Bad arguments, each with its error.
  expect(ember::mmap(0, 0, kRW), Error::Invalid, "mmap of length 0");
  expect(ember::mmap(0, kPage, 8), Error::Invalid, "mmap with an unknown protection bit");
  expect(ember::mmap(0, kPage, kRW | abi::kProtExec), Error::NotPermitted, "mmap exec+write");
  expect(ember::mmap(0, kPage, abi::kProtRead | abi::kProtExec), Error::NotPermitted, "mmap exec");
  expect(ember::mmap(0, u64{1} << 40, kRW), Error::NoMemory, "mmap past the limit");
  expect(ember::mmap(0, ~u64{0}, kRW), Error::NoMemory, "mmap of 2^64 - 1 bytes");
  expect(ember::mmap(0x1234, kPage, kRW), Error::Invalid, "mmap with a misaligned hint");
  expect(ember::mmap(kKernel, kPage, kRW), Error::Invalid, "mmap with a kernel hint");
  expect(ember::mmap(0x7fff'ffff'f000, 2 * kPage, kRW), Error::Invalid,
         "mmap with a hint whose range leaves user space");
  i64 d = ember::mmap(0, kPage, kRW);
  expect(ember::munmap(u64(d) + 8, kPage), Error::Invalid, "munmap misaligned");
  expect(ember::munmap(u64(d), 0), Error::Invalid, "munmap of length 0");
  expect(ember::munmap(u64(d), ~u64{0}), Error::Invalid, "munmap whose end wraps");
  expect(ember::munmap(u64(d), u64{1} << 47), Error::Invalid, "munmap past user space");
  expect(ember::munmap(kKernel, kPage), Error::Invalid, "munmap of a kernel address");
  expect(ember::munmap(0x40'0000, kPage), Error::Invalid, "munmap of the program image");
  expect(ember::munmap(0x7fff'fffe'f000, kPage), Error::Invalid, "munmap of the stack");
  expect(ember::munmap(u64(d) - kPage, 2 * kPage), 0, "munmap over a hole and a mapping");

  // A system call reading a page nobody touched yet: the kernel's copy maps it (a zero page,
  // so an empty path: NoEntry, not Fault).
  i64 e = ember::mmap(0, kPage, kRW);
  const char* argv[] = {"x", nullptr};
  expect(ember::spawn(reinterpret_cast<const char*>(e), argv), Error::NoEntry,
         "spawn reads a path from an untouched page");
  expect(ember::munmap(u64(e), kPage), 0, "munmap e");
}

// About 200 KiB of stack, well past the pages mapped at start.
[[gnu::noinline]] u64 deep(u64 depth) {
  volatile u8 frame[1024];
  frame[0] = u8(depth);
  if (opaque(depth) == 0) return frame[0];
  return deep(depth - 1) + frame[0];
}

u64 rng_state = 0x9e37'79b9'7f4a'7c15ull;
u64 next_random() {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

struct Slot {
  u8* p;
  u64 size;
  u8 fill;
};

void test_malloc() {
  constexpr u32 kSlots = 64;
  Slot slots[kSlots] = {};
  for (u32 step = 0; step < 3000; ++step) {
    Slot& s = slots[next_random() % kSlots];
    if (s.p != nullptr) {
      check(all_bytes(s.p, s.size, s.fill), "a block keeps its contents until freed");
      if (step % 3 == 0 && s.size < 100'000) {  // grow it: the contents move along
        u64 bigger = s.size * 2 + 1;
        s.p = static_cast<u8*>(realloc(s.p, bigger));
        check(s.p != nullptr && all_bytes(s.p, s.size, s.fill), "realloc keeps the contents");
        if (s.p == nullptr) return;
        __builtin_memset(s.p, s.fill, bigger);
        s.size = bigger;
        continue;
      }
      free(s.p);
      s.p = nullptr;
      continue;
    }
    u64 r = next_random();
    s.size = r % 16 == 0 ? 5000 + r % 60'000 : 1 + r % 3000;  // some large, most small
    s.fill = u8(r >> 32) | 1;
    s.p = static_cast<u8*>(step % 5 == 0 ? calloc(1, s.size) : malloc(s.size));
    check(s.p != nullptr && reinterpret_cast<u64>(s.p) % 16 == 0, "malloc gives aligned blocks");
    if (s.p == nullptr) return;
    if (step % 5 == 0) check(all_bytes(s.p, s.size, 0), "calloc gives zeros");
    __builtin_memset(s.p, s.fill, s.size);
  }
  for (Slot& s : slots) {
    if (s.p) check(all_bytes(s.p, s.size, s.fill), "the contents at the end");
    free(s.p);
  }
  check(calloc(~usize{0} / 2, 4) == nullptr, "calloc refuses an overflowing size");
  check(malloc(u64{1} << 40) == nullptr, "malloc past the limit returns null");
  auto* numbers = new u64[100];
  for (u64 i = 0; i < 100; ++i) numbers[i] = i * i;
  check(numbers[99] == 99 * 99, "new[] memory is usable");
  delete[] numbers;
}

// Cycles per page for writing one word to each of n pages: first touches (each a demand-zero
// fault) or, with `mapped`, a second round over the same pages.
int bench(u64 n, bool mapped) {
  if (n == 0) n = 1024;
  i64 a = ember::mmap(0, n * kPage, kRW);
  if (a < 0) return 1;
  auto* p = reinterpret_cast<volatile u64*>(a);
  if (mapped)
    for (u64 i = 0; i < n; ++i) p[i * kPage / 8] = i;
  u64 start = ember::rdtsc();
  for (u64 i = 0; i < n; ++i) p[i * kPage / 8] = i;
  u64 per_page = (ember::rdtsc() - start) / n;
  ember::munmap(u64(a), n * kPage);
  return int(per_page);
}

// The reader thread of munmap-while-read: reads its page until the page is gone.
constinit volatile u64 reads = 0;
void read_forever(void* page) {
  auto* p = static_cast<volatile u64*>(page);
  for (;;) reads = reads + p[0];  // p[0] is 1: counts the reads
}

// A thread keeps reading a page (on another CPU when there is one, with the translation in
// that CPU's TLB) while the first thread unmaps it: the reader must fault at once, not go on
// reading a frame that was freed. Ends with #PF; exit status 3 if it did not.
int munmap_while_read() {
  i64 a = ember::mmap(0, kPage, abi::kProtRead | abi::kProtWrite);
  if (a < 0) return 1;
  *reinterpret_cast<volatile u64*>(a) = 1;
  if (ember::thread(read_forever, reinterpret_cast<void*>(a)) < 0) return 1;
  while (reads < 1000) ember::yield();
  ember::munmap(u64(a), kPage);
  // The reader's fault ends the process, which wakes this sleep at once. Ten seconds of
  // reading on after the unmap is the bug, not a slow host.
  ember::sleep_ns(10'000'000'000);
  return 3;
}

int fault_mode(const char* mode) {
  ember::print("memtest: ");
  ember::print(mode);
  ember::print("\n");
  if (ember::streq(mode, "use-after-free")) {
    auto* p = static_cast<volatile u8*>(malloc(64 * 1024));  // large: its own mapping
    p[100] = 1;
    free(const_cast<u8*>(p));
    return p[100];  // unmapped now: #PF
  }
  if (ember::streq(mode, "write-readonly")) {
    i64 a = ember::mmap(0, kPage, abi::kProtRead);
    auto* p = reinterpret_cast<volatile u8*>(a);
    if (p[0] != 0) return 1;  // reading is allowed (a zero page)
    p[0] = 1;                 // writing is not: #PF
    return 2;
  }
  if (ember::streq(mode, "prot-none")) {
    i64 a = ember::mmap(0, kPage, abi::kProtNone);
    return *reinterpret_cast<volatile u8*>(a);
  }
  if (ember::streq(mode, "stack-limit")) return int(deep(2000));  // 2 MiB: past the limit
  if (ember::streq(mode, "munmap-while-read")) return munmap_while_read();
  ember::print(
      "usage: memtest [use-after-free|write-readonly|prot-none|stack-limit|munmap-while-read|"
      "bench-fault N|bench-touch N]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && ember::streq(argv[1], "bench-fault"))
    return bench(ember::parse_count(argc > 2 ? argv[2] : nullptr, 64), false);
  if (argc > 1 && ember::streq(argv[1], "bench-touch"))
    return bench(ember::parse_count(argc > 2 ? argv[2] : nullptr, 64), true);
  if (argc > 1) return fault_mode(argv[1]);
  test_brk();
  test_mmap();
  check(deep(200) != 0, "the stack grows on demand");
  test_malloc();
  ember::print(failures == 0 ? "memtest: all checks passed\n" : "memtest: checks failed\n");
  return failures == 0 ? 0 : 1;
}
