// ramfsbench [N]: writes a 1 MiB file under /tmp in 64 KiB writes, then reads it back in
// 64 KiB reads, N times (the first pass, which allocates the blocks, is not timed); exits
// with the cycles per KiB of one write plus one read, which the kernel benchmark
// bench.fs.ram_write_read_vs_memcpy compares with a memcpy of the same bytes
// (kernel/tests/vfs_tests.cpp). Exit status 0 on any error (an impossible cost).
#include "ember.hpp"

namespace {

constexpr usize kChunk = 64 * 1024;
constexpr usize kFile = 1024 * 1024;
constexpr const char* kPath = "/tmp/ramfsbench.dat";

char buffer[kChunk];

// One pass: the cycles spent writing and reading, false on an error.
bool pass(int fd, u64& write_cycles, u64& read_cycles) {
  if (ember::lseek(fd, 0, abi::kSeekSet) != 0) return false;
  u64 start = ember::rdtsc();
  for (usize done = 0; done < kFile; done += kChunk)
    if (ember::write(fd, buffer, kChunk) != i64(kChunk)) return false;
  u64 middle = ember::rdtsc();
  if (ember::lseek(fd, 0, abi::kSeekSet) != 0) return false;
  for (usize done = 0; done < kFile; done += kChunk)
    if (ember::read(fd, buffer, kChunk) != i64(kChunk)) return false;
  write_cycles += middle - start;
  read_cycles += ember::rdtsc() - middle;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  u64 n = argc > 1 ? ember::parse_count(argv[1], 20) : 20;
  for (usize i = 0; i < kChunk; ++i) buffer[i] = char(i * 7);
  i64 fd = ember::open(kPath, abi::kOpenReadWrite | abi::kOpenCreate | abi::kOpenTruncate);
  if (fd < 0) return 0;
  u64 w = 0, r = 0;
  bool ok = pass(int(fd), w, r);  // warm: the blocks are allocated here
  w = r = 0;
  for (u64 i = 0; ok && i < n; ++i) ok = pass(int(fd), w, r);
  ember::close(int(fd));
  ember::unlink(kPath);
  if (!ok) return 0;
  u64 kib = n * kFile / 1024;
  ember::print("ramfsbench: write ");
  ember::print_u64(w / kib);
  ember::print(" cycles per KiB, read ");
  ember::print_u64(r / kib);
  ember::print(" cycles per KiB\n");
  return int((w + r) / kib);
}
