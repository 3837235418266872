// grep [-v] [-c] STRING [FILE...]: the lines of the files (standard input without files or
// for "-") that contain STRING as a fixed string (-v: that do not), each prefixed with
// "FILE:" when there are several files; -c prints how many lines instead. Exit status as
// POSIX grep: 0 if a line was selected, 1 if none was, 2 on an error (a file that cannot be
// read, a bad option).
#include <libk/string_view.hpp>

#include "ember.hpp"

namespace {

struct Options {
  libk::StringView pattern;
  bool invert = false, count = false, names = false;
};

// The text read but not yet matched: at most one partial line once lines were taken out.
struct Pending {
  char* data = nullptr;
  usize size = 0, capacity = 0;

  bool reserve(usize more) {
    if (size + more <= capacity) return true;
    usize want = capacity ? capacity : 4096;
    while (want < size + more) want *= 2;
    auto* grown = static_cast<char*>(realloc(data, want));
    if (grown == nullptr) return false;
    data = grown, capacity = want;
    return true;
  }
};

struct File {
  const char* name;
  u64 selected = 0;
};

bool emit(const Options& o, File& f, libk::StringView line) {
  bool match = line.find(o.pattern) != libk::StringView::npos;
  if (match == o.invert) return true;
  ++f.selected;
  if (o.count) return true;
  if (o.names &&
      !(ember::write_all(1, f.name, ember::strlen(f.name)) && ember::write_all(1, ":", 1)))
    return false;
  return ember::write_all(1, line.data(), line.size()) && ember::write_all(1, "\n", 1);
}

// Matches every whole line in `p` and keeps the rest.
bool drain_lines(const Options& o, File& f, Pending& p) {
  usize start = 0;
  for (usize i = 0; i < p.size; ++i) {
    if (p.data[i] != '\n') continue;
    if (!emit(o, f, {p.data + start, i - start})) return false;
    start = i + 1;
  }
  for (usize i = start; i < p.size; ++i)
    p.data[i - start] = p.data[i];  // forward: no overlap issue
  p.size -= start;
  return true;
}

// 0: read to the end; 2: an error (reported).
int scan(const Options& o, File& f, int fd) {
  Pending p;
  int status = 0;
  for (;;) {
    if (!p.reserve(4096)) {
      ember::print_error("grep", f.name, i64(abi::Error::NoMemory));
      status = 2;
      break;
    }
    i64 n = ember::read(fd, p.data + p.size, 4096);
    if (n <= 0) {
      if (n < 0)
        ember::print_error("grep", f.name, n), status = 2;
      else if (p.size > 0 && !emit(o, f, {p.data, p.size}))
        status = 2;  // a last line without \n
      break;
    }
    p.size += usize(n);
    if (!drain_lines(o, f, p)) {
      status = 2;
      break;
    }
  }
  free(p.data);
  if (status == 0 && o.count) {
    if (o.names) ember::print(f.name), ember::print(":");
    ember::print_u64(f.selected);
    ember::print("\n");
  }
  return status;
}

int usage() {
  const char* text = "usage: grep [-v] [-c] STRING [FILE...]\n";
  ember::write(2, text, ember::strlen(text));
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  int i = 1;
  for (; i < argc && argv[i][0] == '-' && argv[i][1] != 0; ++i) {
    if (ember::streq(argv[i], "--")) {
      ++i;
      break;
    }
    if (ember::streq(argv[i], "-v"))
      o.invert = true;
    else if (ember::streq(argv[i], "-c"))
      o.count = true;
    else
      return usage();
  }
  if (i >= argc) return usage();
  o.pattern = argv[i++];
  o.names = argc - i > 1;
  bool errors = false, selected = false;
  if (i == argc) {
    File f{"(standard input)"};
    errors = scan(o, f, 0) != 0;
    selected = f.selected > 0;
  }
  for (; i < argc; ++i) {
    File f{argv[i]};
    bool stdin = ember::streq(argv[i], "-");
    i64 fd = stdin ? 0 : ember::open(argv[i], abi::kOpenRead);
    if (fd < 0) {
      ember::print_error("grep", argv[i], fd);
      errors = true;
      continue;
    }
    errors |= scan(o, f, int(fd)) != 0;
    selected |= f.selected > 0;
    if (!stdin) ember::close(int(fd));
  }
  if (errors) return 2;
  return selected ? 0 : 1;
}
