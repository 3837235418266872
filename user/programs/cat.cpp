// cat: copies each file named (or standard input, without arguments or for "-") to standard
// output; exit status 1 if any could not be read.
#include "ember.hpp"

namespace {

bool copy(int fd, const char* name) {
  char buffer[4096];
  for (;;) {
    i64 n = ember::read(fd, buffer, sizeof(buffer));
    if (n == 0) return true;
    if (n < 0) {
      ember::print_error("cat", name, n);
      return false;
    }
    if (!ember::write_all(1, buffer, usize(n))) return false;
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return copy(0, "standard input") ? 0 : 1;
  int status = 0;
  for (int i = 1; i < argc; ++i) {
    if (ember::streq(argv[i], "-")) {
      if (!copy(0, "standard input")) status = 1;
      continue;
    }
    i64 fd = ember::open(argv[i], abi::kOpenRead);
    if (fd < 0) {
      ember::print_error("cat", argv[i], fd);
      status = 1;
      continue;
    }
    if (!copy(int(fd), argv[i])) status = 1;
    ember::close(int(fd));
  }
  return status;
}
