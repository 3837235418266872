// ls: lists each directory named (default ".", the current one): one line per entry, its size
// (bytes; "-" for a directory) and its name, directories with a trailing "/". A file named is
// listed as itself.
#include "ember.hpp"

namespace {

void pad_print_u64(u64 value, usize width) {
  usize digits = 1;
  for (u64 v = value; v >= 10; v /= 10) ++digits;
  for (usize i = digits; i < width; ++i) ember::print(" ");
  ember::print_u64(value);
}

void print_entry(abi::FileType type, u64 size, const char* name) {
  if (type == abi::FileType::Directory)
    ember::print("       -");
  else
    pad_print_u64(size, 8);
  ember::print("  ");
  ember::print(name);
  ember::print(type == abi::FileType::Directory ? "/\n" : "\n");
}

bool list(const char* path) {
  abi::Stat st;
  if (i64 r = ember::stat(path, &st); r < 0) {
    ember::print_error("ls", path, r);
    return false;
  }
  if (st.type != abi::FileType::Directory) {
    print_entry(st.type, st.size, path);
    return true;
  }
  i64 fd = ember::open(path, abi::kOpenRead);
  if (fd < 0) {
    ember::print_error("ls", path, fd);
    return false;
  }
  abi::DirEntry entry;
  i64 r = 0;
  while ((r = ember::readdir(int(fd), &entry)) == 1)
    print_entry(entry.type, entry.size, entry.name);
  ember::close(int(fd));
  if (r < 0) ember::print_error("ls", path, r);
  return r == 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return list(".") ? 0 : 1;
  int status = 0;
  for (int i = 1; i < argc; ++i) {
    if (argc > 2) {
      ember::print(argv[i]);
      ember::print(":\n");
    }
    if (!list(argv[i])) status = 1;
  }
  return status;
}
