// hello: greets with its process id and arguments; the first program Ember ran in ring 3.
#include "ember.hpp"

extern "C" u64 __stack_chk_guard;

int main(int argc, char** argv) {
  ember::print("hello from user mode: pid ");
  ember::print_i64(ember::getpid());
  for (int i = 1; i < argc; ++i) {
    ember::print(i == 1 ? ", args:" : "");
    ember::print(" ");
    ember::print(argv[i]);
  }
  ember::print("\n");
  // The canary the kernel chose for this process: tests check that two runs differ.
  ember::print("hello: stack canary ");
  ember::print_hex(__stack_chk_guard);
  ember::print("\n");
  return 0;
}
