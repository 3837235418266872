// echo: writes its arguments, separated by spaces, and a newline to standard output.
#include "ember.hpp"

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (i > 1 && !ember::write_all(1, " ", 1)) return 1;
    if (!ember::write_all(1, argv[i], ember::strlen(argv[i]))) return 1;
  }
  return ember::write_all(1, "\n", 1) ? 0 : 1;
}
