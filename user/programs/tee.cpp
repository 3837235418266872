// tee [-a] [-d FD]... [FILE...]: copies standard input to standard output and to each FILE
// (created or truncated; -a appends) and each inherited descriptor FD. Files can be written
// where the VFS allows it (the RAM file system at /tmp, /dev/console); a file that cannot be
// opened or written is reported and dropped, the others go on. Exit status 0, 1 if any output
// failed, 2 on a bad option.
#include "ember.hpp"

namespace {

constexpr int kMaxOutputs = 16;

struct Output {
  int fd;
  const char* name;
  bool owned;  // opened here, closed at the end
  bool failed;
};

char buffer[16 * 1024];

// 0 once all of `n` bytes went out, or the error that stopped them.
i64 write_all(int fd, const char* p, usize n) {
  while (n > 0) {
    i64 w = ember::write(fd, p, n);
    if (w < 0) return w;
    if (w == 0) return i64(abi::Error::NoSpace);
    p += w, n -= usize(w);
  }
  return 0;
}

int usage() {
  const char* text = "usage: tee [-a] [-d FD]... [FILE...]\n";
  ember::write(2, text, ember::strlen(text));
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Output outputs[kMaxOutputs];
  int count = 0;
  outputs[count++] = {1, "standard output", false, false};
  u64 flags = abi::kOpenWrite | abi::kOpenCreate | abi::kOpenTruncate;
  int status = 0;
  for (int i = 1; i < argc; ++i) {
    u64 fd = 0;
    if (ember::streq(argv[i], "-a")) {
      flags = abi::kOpenWrite | abi::kOpenCreate | abi::kOpenAppend;
    } else if (ember::streq(argv[i], "-d")) {
      if (++i >= argc || !ember::parse_u64(argv[i], fd) || count == kMaxOutputs) return usage();
      outputs[count++] = {int(fd), argv[i], false, false};
    } else {
      if (count == kMaxOutputs) return usage();
      i64 opened = ember::open(argv[i], flags);
      if (opened < 0) {
        ember::print_error("tee", argv[i], opened);
        status = 1;
        continue;
      }
      outputs[count++] = {int(opened), argv[i], true, false};
    }
  }
  for (;;) {
    i64 n = ember::read(0, buffer, sizeof(buffer));
    if (n == 0) break;
    if (n < 0) {
      ember::print_error("tee", "standard input", n);
      status = 1;
      break;
    }
    for (int o = 0; o < count; ++o) {
      if (outputs[o].failed) continue;
      i64 error = write_all(outputs[o].fd, buffer, usize(n));
      if (error == 0) continue;
      ember::print_error("tee", outputs[o].name, error);
      outputs[o].failed = true;
      status = 1;
    }
  }
  for (int o = 0; o < count; ++o)
    if (outputs[o].owned) ember::close(outputs[o].fd);
  return status;
}
