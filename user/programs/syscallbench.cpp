// syscallbench [N]: N null system calls (getpid) timed with the time-stamp counter; exits
// with the cycles per round trip, which the kernel benchmark bench.proc.null_syscall_vs_yield
// compares with a kernel thread's yield round trip (kernel/tests/proc_tests.cpp).
// syscallbench threads [N]: N thread_create + thread_join pairs (a thread that returns at
// once); exits with the cycles per pair (bench.proc.spawn_and_threads_vs_kernel_threads).
#include "ember.hpp"

namespace {

u64 rdtsc() {
  u32 lo, hi;
  asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
  return u64(hi) << 32 | lo;
}

u64 parse(const char* s, u64 fallback) {
  u64 v = 0;
  if (!*s) return fallback;
  for (; *s; ++s) {
    if (*s < '0' || *s > '9') return fallback;
    v = v * 10 + u64(*s - '0');
  }
  return v ? v : fallback;
}

}  // namespace

void nothing(void*) {}

int thread_bench(u64 n) {
  ember::join(ember::thread(nothing, nullptr));  // warm
  u64 start = rdtsc();
  for (u64 i = 0; i < n; ++i) {
    i64 tid = ember::thread(nothing, nullptr);
    if (tid < 0 || ember::join(tid) != 0) return 0;
  }
  u64 per_pair = (rdtsc() - start) / n;
  ember::print("syscallbench: ");
  ember::print_u64(n);
  ember::print(" thread create+join pairs, ");
  ember::print_u64(per_pair);
  ember::print(" cycles per pair\n");
  return int(per_pair);
}

int main(int argc, char** argv) {
  if (argc > 1 && ember::streq(argv[1], "threads"))
    return thread_bench(argc > 2 ? parse(argv[2], 200) : 200);
  u64 n = argc > 1 ? parse(argv[1], 10'000) : 10'000;
  ember::getpid();  // warm
  u64 start = rdtsc();
  for (u64 i = 0; i < n; ++i) ember::getpid();
  u64 per_call = (rdtsc() - start) / n;
  ember::print("syscallbench: ");
  ember::print_u64(n);
  ember::print(" getpid calls, ");
  ember::print_u64(per_call);
  ember::print(" cycles per call\n");
  return int(per_call);
}
