// Context-switch benchmark: Ember's hal_context_switch (hal/x86/context_switch.S, the very
// routine the kernel runs) against boost.context's jump_fcontext and glibc's swapcontext,
// in the same run. Each iteration is a round trip: main -> coroutine -> main, two switches.
//
// Two shapes, because a switch's cost depends on how return addresses are predicted:
//  - loop:  each side calls the switch primitive straight from its own loop, so every
//           switch returns to a different call site than the one that entered it (the
//           classic coroutine ping-pong).
//  - sched: both sides switch through the same two non-inlined functions, yield_to() ->
//           switch_to() -> primitive, as kernel threads do (every kernel thread enters
//           hal_context_switch from the one call site in the scheduler).
// hal_context_switch returns with `ret`: perfectly predicted in the sched shape, where the
// return address is the same for every context, and mispredicted in the loop shape.
// jump_fcontext returns with an indirect `jmp`, which the loop shape suits, but it leaves
// the return-stack buffer one entry off, so each return after it mispredicts in the sched
// shape. docs/scheduling.md discusses the numbers.
//
//   meson test -C build --benchmark --verbose context-switch
//   build/tests/bench/bench-context-switch --benchmark_repetitions=10
//
// After the runs it prints each routine's time relative to fcontext in the same shape
// (lower is faster), comparing the fastest repetition of each by CPU time: noise on a
// shared machine only ever adds time, and wall time would also count the time the
// benchmark was not running at all. Target: ember <= 1.0x fcontext (docs/scheduling.md).
#include <benchmark/benchmark.h>
#include <cstdio>
#include <memory>
#include <string>
#include <ucontext.h>

#include <hal/context.hpp>

#include "best_time_reporter.hpp"

// boost.context's low-level API (libboost_context, boost/context/detail/fcontext.hpp),
// declared here to call the assembly routines directly, without the C++ wrappers.
extern "C" {
using fcontext_t = void*;
struct transfer_t {
  fcontext_t fctx;
  void* data;
};
transfer_t jump_fcontext(fcontext_t const to, void* vp);
fcontext_t make_fcontext(void* sp, size_t size, void (*fn)(transfer_t));
}

// Not inlined, and no tail call: a real call frame per level, like a scheduler's.
#define SCHED_LEVEL [[gnu::noinline, clang::disable_tail_calls]]

namespace {

constexpr size_t kStackSize = 64 * 1024;

struct Stack {
  std::unique_ptr<unsigned char[]> memory{new unsigned char[kStackSize]};
  unsigned char* bottom() const { return memory.get(); }
  unsigned char* top() const { return memory.get() + kStackSize; }
};

// --- Ember ---------------------------------------------------------------------------

struct EmberPair {
  u64 main_sp = 0;
  u64 coroutine_sp = 0;
};

SCHED_LEVEL void ember_switch_to(u64* save, u64 load) { hal_context_switch(save, load); }
SCHED_LEVEL void ember_yield_to(u64* save, u64 load) { ember_switch_to(save, load); }

[[noreturn]] void ember_loop_bounce(void* arg) {
  auto* pair = static_cast<EmberPair*>(arg);
  for (;;) hal_context_switch(&pair->coroutine_sp, pair->main_sp);
}

[[noreturn]] void ember_sched_bounce(void* arg) {
  auto* pair = static_cast<EmberPair*>(arg);
  for (;;) ember_yield_to(&pair->coroutine_sp, pair->main_sp);
}

void BM_ember_loop(benchmark::State& state) {
  Stack stack;
  EmberPair pair;
  pair.coroutine_sp = hal::context::prepare(u64(stack.top()), ember_loop_bounce, &pair);
  for (auto _ : state) hal_context_switch(&pair.main_sp, pair.coroutine_sp);
  state.SetItemsProcessed(state.iterations() * 2);
}

void BM_ember_sched(benchmark::State& state) {
  Stack stack;
  EmberPair pair;
  pair.coroutine_sp = hal::context::prepare(u64(stack.top()), ember_sched_bounce, &pair);
  ember_yield_to(&pair.main_sp, pair.coroutine_sp);  // the first entry starts the coroutine
  for (auto _ : state) ember_yield_to(&pair.main_sp, pair.coroutine_sp);
  state.SetItemsProcessed(state.iterations() * 2);
}

// --- boost.context fcontext ------------------------------------------------------------

// jump_fcontext returns the context that switched back; `other` always holds the peer.
SCHED_LEVEL void fcontext_switch_to(fcontext_t* other) {
  *other = jump_fcontext(*other, nullptr).fctx;
}
SCHED_LEVEL void fcontext_yield_to(fcontext_t* other) { fcontext_switch_to(other); }

void fcontext_loop_bounce(transfer_t t) {
  for (;;) t = jump_fcontext(t.fctx, nullptr);
}

void fcontext_sched_bounce(transfer_t t) {
  fcontext_t main = t.fctx;
  for (;;) fcontext_yield_to(&main);
}

void BM_fcontext_loop(benchmark::State& state) {
  Stack stack;
  fcontext_t coroutine = make_fcontext(stack.top(), kStackSize, fcontext_loop_bounce);
  for (auto _ : state) coroutine = jump_fcontext(coroutine, nullptr).fctx;
  state.SetItemsProcessed(state.iterations() * 2);
}

void BM_fcontext_sched(benchmark::State& state) {
  Stack stack;
  fcontext_t coroutine = make_fcontext(stack.top(), kStackSize, fcontext_sched_bounce);
  fcontext_yield_to(&coroutine);
  for (auto _ : state) fcontext_yield_to(&coroutine);
  state.SetItemsProcessed(state.iterations() * 2);
}

// --- ucontext swapcontext ------------------------------------------------------------------

ucontext_t uc_main, uc_coroutine;

SCHED_LEVEL void uc_switch_to(ucontext_t* save, ucontext_t* load) { swapcontext(save, load); }
SCHED_LEVEL void uc_yield_to(ucontext_t* save, ucontext_t* load) { uc_switch_to(save, load); }

void uc_loop_bounce() {
  for (;;) swapcontext(&uc_coroutine, &uc_main);
}

void uc_sched_bounce() {
  for (;;) uc_yield_to(&uc_coroutine, &uc_main);
}

void make_uc_coroutine(Stack& stack, void (*fn)()) {
  getcontext(&uc_coroutine);
  uc_coroutine.uc_stack.ss_sp = stack.bottom();
  uc_coroutine.uc_stack.ss_size = kStackSize;
  uc_coroutine.uc_link = nullptr;
  makecontext(&uc_coroutine, fn, 0);
}

void BM_swapcontext_loop(benchmark::State& state) {
  Stack stack;
  make_uc_coroutine(stack, uc_loop_bounce);
  for (auto _ : state) swapcontext(&uc_main, &uc_coroutine);
  state.SetItemsProcessed(state.iterations() * 2);
}

void BM_swapcontext_sched(benchmark::State& state) {
  Stack stack;
  make_uc_coroutine(stack, uc_sched_bounce);
  uc_yield_to(&uc_main, &uc_coroutine);
  for (auto _ : state) uc_yield_to(&uc_main, &uc_coroutine);
  state.SetItemsProcessed(state.iterations() * 2);
}

BENCHMARK(BM_ember_loop);
BENCHMARK(BM_fcontext_loop);
BENCHMARK(BM_swapcontext_loop);
BENCHMARK(BM_ember_sched);
BENCHMARK(BM_fcontext_sched);
BENCHMARK(BM_swapcontext_sched);

// The ratios the target is stated in: each routine's round trip against fcontext's.
void print_ratios(const bench::BestTimeReporter& reporter) {
  std::printf("\nround trip (2 switches), CPU time of the fastest repetition:\n");
  for (const char* shape : {"loop", "sched"}) {
    const double* fcontext = reporter.best(std::string("BM_fcontext_") + shape);
    if (!fcontext) continue;
    for (const char* peer : {"ember", "fcontext", "swapcontext"}) {
      const double* ns = reporter.best(std::string("BM_") + peer + "_" + shape);
      if (!ns) continue;
      std::printf("  %-6s %-12s %8.2f ns  %6.2fx fcontext\n", shape, peer, *ns, *ns / *fcontext);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  bench::BestTimeReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  print_ratios(reporter);
  benchmark::Shutdown();
  return 0;
}
