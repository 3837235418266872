// pwd: prints the current directory.
#include "ember.hpp"

int main(int, char**) {
  char path[abi::kMaxPath + 2];
  i64 n = ember::getcwd(path, sizeof(path));
  if (n < 0) {
    ember::print_error("pwd", "getcwd", n);
    return 1;
  }
  ember::print(path);
  ember::print("\n");
  return 0;
}
