// head [-n N] [FILE]: the first N lines (10 unless given) of a file or of standard input.
// Stops reading once it has them, so `gen | head -n 1` ends head early (and the writer gets
// BrokenPipe once head is gone). Exit status 1 on an error, 2 on a bad option.
#include <libk/text_count.hpp>

#include "ember.hpp"

namespace {

char buffer[4096];

int usage() {
  const char* text = "usage: head [-n N] [FILE]\n";
  ember::write(2, text, ember::strlen(text));
  return 2;
}

int copy(int fd, const char* name, u64 lines) {
  libk::LineLimit limit(lines);
  while (!limit.done()) {
    i64 n = ember::read(fd, buffer, sizeof(buffer));
    if (n == 0) break;
    if (n < 0) {
      ember::print_error("head", name, n);
      return 1;
    }
    usize keep = limit.take({reinterpret_cast<const u8*>(buffer), usize(n)});
    if (!ember::write_all(1, buffer, keep)) return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  u64 lines = 10;
  int i = 1;
  if (i < argc && ember::streq(argv[i], "-n")) {
    if (i + 1 >= argc || !ember::parse_u64(argv[i + 1], lines)) return usage();
    i += 2;
  }
  if (i + 1 < argc) return usage();
  if (i == argc || ember::streq(argv[i], "-")) return copy(0, "standard input", lines);
  i64 fd = ember::open(argv[i], abi::kOpenRead);
  if (fd < 0) {
    ember::print_error("head", argv[i], fd);
    return 1;
  }
  int status = copy(int(fd), argv[i], lines);
  ember::close(int(fd));
  return status;
}
