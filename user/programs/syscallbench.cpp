// syscallbench [N]: N null system calls (getpid) timed with the time-stamp counter; exits
// with the cycles per round trip, which the kernel benchmark bench.proc.null_syscall_vs_yield
// compares with a kernel thread's yield round trip (kernel/tests/proc_tests.cpp).
// syscallbench threads [N]: N thread_create + thread_join pairs (a thread that returns at
// once); exits with the cycles per pair (bench.proc.spawn_and_threads_vs_kernel_threads).
#include "ember.hpp"

namespace {

void nothing(void*) {}

int thread_bench(u64 n) {
  ember::join(ember::thread(nothing, nullptr));  // warm
  u64 start = ember::rdtsc();
  for (u64 i = 0; i < n; ++i) {
    i64 tid = ember::thread(nothing, nullptr);
    if (tid < 0 || ember::join(tid) != 0) return 0;
  }
  u64 per_pair = (ember::rdtsc() - start) / n;
  ember::print("syscallbench: ");
  ember::print_u64(n);
  ember::print(" thread create+join pairs, ");
  ember::print_u64(per_pair);
  ember::print(" cycles per pair\n");
  return int(per_pair);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && ember::streq(argv[1], "threads"))
    return thread_bench(argc > 2 ? ember::parse_count(argv[2], 200) : 200);
  u64 n = argc > 1 ? ember::parse_count(argv[1], 10'000) : 10'000;
  ember::getpid();  // warm
  u64 start = ember::rdtsc();
  for (u64 i = 0; i < n; ++i) ember::getpid();
  u64 per_call = (ember::rdtsc() - start) / n;
  ember::print("syscallbench: ");
  ember::print_u64(n);
  ember::print(" getpid calls, ");
  ember::print_u64(per_call);
  ember::print(" cycles per call\n");
  return int(per_call);
}
