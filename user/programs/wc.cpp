// wc [FILE...]: lines, words and bytes of each file (standard input without arguments or for
// "-"), as POSIX wc prints them ("lines words bytes name"), and a total for several files.
// Exit status 1 if a file could not be read.
#include <libk/text_count.hpp>

#include "ember.hpp"

namespace {

char buffer[16 * 1024];

bool count(int fd, const char* name, libk::TextCounts& out) {
  libk::TextCounter counter;
  for (;;) {
    i64 n = ember::read(fd, buffer, sizeof(buffer));
    if (n == 0) break;
    if (n < 0) {
      ember::print_error("wc", name, n);
      return false;
    }
    counter.feed({reinterpret_cast<const u8*>(buffer), usize(n)});
  }
  out = counter.counts();
  return true;
}

void print_counts(const libk::TextCounts& c, const char* name) {
  ember::print_u64(c.lines);
  ember::print(" ");
  ember::print_u64(c.words);
  ember::print(" ");
  ember::print_u64(c.bytes);
  if (name != nullptr) {
    ember::print(" ");
    ember::print(name);
  }
  ember::print("\n");
}

}  // namespace

int main(int argc, char** argv) {
  libk::TextCounts c;
  if (argc < 2) {
    if (!count(0, "standard input", c)) return 1;
    print_counts(c, nullptr);
    return 0;
  }
  int status = 0;
  libk::TextCounts total;
  for (int i = 1; i < argc; ++i) {
    bool stdin = ember::streq(argv[i], "-");
    i64 fd = stdin ? 0 : ember::open(argv[i], abi::kOpenRead);
    if (fd < 0) {
      ember::print_error("wc", argv[i], fd);
      status = 1;
      continue;
    }
    bool ok = count(int(fd), argv[i], c);
    if (!stdin) ember::close(int(fd));
    if (!ok) {
      status = 1;
      continue;
    }
    print_counts(c, argv[i]);
    total.lines += c.lines, total.words += c.words, total.bytes += c.bytes;
  }
  if (argc > 2) print_counts(total, "total");
  return status;
}
