// loop: spins in ring 3 without a system call until it is killed (tests of kill and Ctrl-C
// reaching a process that never enters the kernel on its own).
#include "ember.hpp"

int main(int, char**) {
  ember::print("loop: spinning\n");
  volatile u64 n = 0;
  for (;;) n = n + 1;
}
