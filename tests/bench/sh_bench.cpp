// The user shell's language (docs/shell.md, "The user shell"): parsing a typical command line,
// and parsing plus expanding every word, against its peer in the same run: splitting the same
// bytes at blanks with memchr into the same kind of word table (the least any tokenizer must
// do: look at every byte once). Prints each as a ratio to the memchr split.
#include <benchmark/benchmark.h>
#include <cstdio>
#include <cstring>
#include <memory>
#include <sh/expand.hpp>
#include <sh/parser.hpp>

#include "best_time_reporter.hpp"

namespace {

// 84 bytes: quoting, a variable, a pipeline, redirections, && and background.
constexpr char kLine[] =
    "ls -l \"$HOME/docs\" 'a b' | grep -v x >out.txt 2>&1 && echo done $? ; sleep 10 & wait";

sh::Variables& variables() {
  static sh::Variables v;
  static bool ready = v.set("HOME", "/home/ember");
  benchmark::DoNotOptimize(ready);
  return v;
}

void BM_MemchrSplit(benchmark::State& state) {
  libk::FixedVector<libk::StringView, sh::kMaxWords> words;
  const usize n = sizeof(kLine) - 1;
  for (auto _ : state) {
    words.clear();
    const char* p = kLine;
    const char* end = kLine + n;
    while (p < end) {
      const char* blank = static_cast<const char*>(std::memchr(p, ' ', usize(end - p)));
      if (!blank) blank = end;
      if (blank > p && !words.push_back({p, usize(blank - p)})) break;
      p = blank + 1;
    }
    benchmark::DoNotOptimize(words);
  }
  state.SetBytesProcessed(i64(state.iterations()) * i64(n));
}

void BM_Parse(benchmark::State& state) {
  auto program = std::make_unique<sh::Program>();
  for (auto _ : state) {
    bool ok = sh::parse(kLine, *program).ok();
    benchmark::DoNotOptimize(ok);
    if (!ok) state.SkipWithError("parse failed");
  }
  state.SetBytesProcessed(i64(state.iterations()) * i64(sizeof(kLine) - 1));
}

void BM_ParseExpand(benchmark::State& state) {
  auto program = std::make_unique<sh::Program>();
  const sh::Variables& vars = variables();
  char out[256];
  for (auto _ : state) {
    if (!sh::parse(kLine, *program).ok()) state.SkipWithError("parse failed");
    for (const sh::Word& w : program->words) {
      auto n = sh::expand(w.raw, vars, out, sizeof(out));
      benchmark::DoNotOptimize(n);
    }
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(i64(state.iterations()) * i64(sizeof(kLine) - 1));
}

BENCHMARK(BM_MemchrSplit)->Repetitions(5);
BENCHMARK(BM_Parse)->Repetitions(5);
BENCHMARK(BM_ParseExpand)->Repetitions(5);

void print_ratios(const bench::BestTimeReporter& reporter) {
  const double* peer = reporter.best("BM_MemchrSplit");
  if (!peer) return;
  std::printf("\none %zu-byte command line, CPU time of the fastest repetition:\n",
              sizeof(kLine) - 1);
  for (const char* name : {"BM_MemchrSplit", "BM_Parse", "BM_ParseExpand"}) {
    const double* ns = reporter.best(name);
    if (ns) std::printf("  %-16s %8.1f ns  %6.2fx memchr split\n", name, *ns, *ns / *peer);
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
