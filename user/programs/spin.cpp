// spin: busy loops in ring 3, to show that a process that never gives up the CPU is preempted.
//
//   spin            one thread spins until the process is ended (kill, Ctrl-C)
//   spin N [MS]     N more threads spin; the first thread sleeps in 10 ms steps for MS
//                   milliseconds (default: forever), reports how often it woke while they
//                   spun, and exits, which ends the spinning threads wherever they run
#include "ember.hpp"

namespace {

void spin(void*) {
  for (;;) asm volatile("" ::: "memory");
}

}  // namespace

int main(int argc, char** argv) {
  u64 threads = 0, ms = ~u64{0};
  if (argc < 2) spin(nullptr);
  if (!ember::parse_u64(argv[1], threads) || (argc > 2 && !ember::parse_u64(argv[2], ms)) ||
      threads > ember::kMaxThreadStacks) {
    ember::print("usage: spin [THREADS [MILLISECONDS]]\n");
    return 2;
  }
  for (u64 i = 0; i < threads; ++i) {
    if (ember::thread(spin, nullptr) < 0) {
      ember::print("spin: cannot start a thread\n");
      return 1;
    }
  }
  ember::print("spin: ");
  ember::print_u64(threads);
  ember::print(" threads spinning\n");
  u64 start = ember::clock_ns(), wakes = 0;
  u64 limit = ms == ~u64{0} ? ~u64{0} : ms * 1'000'000ull;
  while (ember::clock_ns() - start < limit) {
    ember::sleep_ns(10'000'000);
    ++wakes;
  }
  ember::print("spin: woke ");
  ember::print_u64(wakes);
  ember::print(" times while they spun\n");
  return 0;  // exit ends the spinning threads
}
