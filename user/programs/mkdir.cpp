// mkdir [-p] DIR...: makes each directory; -p makes the missing parents too and accepts
// directories that exist.
#include "ember.hpp"

namespace {

// Makes every prefix of `path` ending before a "/", then path itself.
i64 make_parents(char* path) {
  for (char* p = path + 1; *p != 0; ++p) {
    if (*p != '/') continue;
    *p = 0;
    i64 r = ember::mkdir(path);
    *p = '/';
    if (r < 0 && r != i64(abi::Error::Exists)) return r;
  }
  i64 r = ember::mkdir(path);
  return r == i64(abi::Error::Exists) ? 0 : r;
}

}  // namespace

int main(int argc, char** argv) {
  bool parents = argc > 1 && ember::streq(argv[1], "-p");
  int first = parents ? 2 : 1;
  if (argc <= first) {
    ember::print_error("mkdir", "usage", i64(abi::Error::Invalid));
    return 2;
  }
  int status = 0;
  for (int i = first; i < argc; ++i) {
    i64 r = parents ? make_parents(argv[i]) : ember::mkdir(argv[i]);
    if (r < 0) {
      ember::print_error("mkdir", argv[i], r);
      status = 1;
    }
  }
  return status;
}
