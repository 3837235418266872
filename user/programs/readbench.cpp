// readbench PATH [N]: reads the file at PATH N times (open, 4 KiB reads to the end, close),
// timed with the time-stamp counter; exits with the cycles per KiB read, which the kernel
// benchmark bench.fs.read_vs_memcpy compares with a memcpy of the same bytes
// (kernel/tests/fs_tests.cpp). Exit status 0 on any error (an impossible cost).
#include "ember.hpp"

namespace {

char buffer[4096];

// Bytes read from the whole file, or a negative error.
i64 read_file(const char* path) {
  i64 fd = ember::open(path, abi::kOpenRead);
  if (fd < 0) return fd;
  i64 total = 0;
  for (;;) {
    i64 n = ember::read(int(fd), buffer, sizeof(buffer));
    if (n <= 0) {
      ember::close(int(fd));
      return n < 0 ? n : total;
    }
    total += n;
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return 0;
  u64 n = argc > 2 ? ember::parse_count(argv[2], 100) : 100;
  if (read_file(argv[1]) <= 0) return 0;  // warm
  u64 bytes = 0;
  u64 start = ember::rdtsc();
  for (u64 i = 0; i < n; ++i) {
    i64 got = read_file(argv[1]);
    if (got <= 0) return 0;
    bytes += u64(got);
  }
  u64 cycles = ember::rdtsc() - start;
  u64 per_kib = cycles * 1024 / bytes;
  ember::print("readbench: ");
  ember::print_u64(bytes);
  ember::print(" bytes in ");
  ember::print_u64(cycles);
  ember::print(" cycles\n");
  return int(per_kib);
}
