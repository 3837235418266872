// hello: greets with its process id and arguments; the first program Ember ran in ring 3.
#include "ember.hpp"

int main(int argc, char** argv) {
  ember::print("hello from user mode: pid ");
  ember::print_i64(ember::getpid());
  for (int i = 1; i < argc; ++i) {
    ember::print(i == 1 ? ", args:" : "");
    ember::print(" ");
    ember::print(argv[i]);
  }
  ember::print("\n");
  return 0;
}
