// touch FILE...: creates each file that does not exist (empty); one that does is left as
// it is (Ember keeps no file times to update).
#include "ember.hpp"

int main(int argc, char** argv) {
  if (argc < 2) {
    ember::print_error("touch", "usage", i64(abi::Error::Invalid));
    return 2;
  }
  int status = 0;
  for (int i = 1; i < argc; ++i) {
    i64 fd = ember::open(argv[i], abi::kOpenWrite | abi::kOpenCreate);
    if (fd == i64(abi::Error::IsDirectory)) continue;
    if (fd < 0) {
      ember::print_error("touch", argv[i], fd);
      status = 1;
      continue;
    }
    ember::close(int(fd));
  }
  return status;
}
