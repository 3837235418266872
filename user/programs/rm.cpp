// rm [-r] PATH...: removes files; -r removes directories with everything in them.
#include "ember.hpp"

namespace {

// Joins dir and name into out (capacity abi::kMaxPath + 1); false if too long.
bool join(char* out, const char* dir, const char* name) {
  usize a = ember::strlen(dir), b = ember::strlen(name);
  if (a + 1 + b > abi::kMaxPath) return false;
  __builtin_memcpy(out, dir, a);
  out[a] = '/';
  __builtin_memcpy(out + a + 1, name, b + 1);
  return true;
}

i64 remove(const char* path, bool recursive);

// Empties the directory at `path`. Entries are read from the start again after each removal,
// as removing one may move another into its place.
i64 remove_children(const char* path) {
  for (;;) {
    i64 fd = ember::open(path, abi::kOpenRead);
    if (fd < 0) return fd;
    abi::DirEntry entry;
    i64 more = ember::readdir(int(fd), &entry);
    ember::close(int(fd));
    if (more <= 0) return more;
    char child[abi::kMaxPath + 1];
    if (!join(child, path, entry.name)) return i64(abi::Error::NameTooLong);
    if (i64 r = remove(child, true); r < 0) return r;
  }
}

i64 remove(const char* path, bool recursive) {
  i64 r = ember::unlink(path);
  if (r != i64(abi::Error::IsDirectory) || !recursive) return r;
  if (r = remove_children(path); r < 0) return r;
  return ember::rmdir(path);
}

}  // namespace

int main(int argc, char** argv) {
  bool recursive = argc > 1 && ember::streq(argv[1], "-r");
  int first = recursive ? 2 : 1;
  if (argc <= first) {
    ember::print_error("rm", "usage", i64(abi::Error::Invalid));
    return 2;
  }
  int status = 0;
  for (int i = first; i < argc; ++i) {
    if (i64 r = remove(argv[i], recursive); r < 0) {
      ember::print_error("rm", argv[i], r);
      status = 1;
    }
  }
  return status;
}
