// A Google Benchmark console reporter that also remembers, for each benchmark function,
// the CPU time per iteration of its fastest repetition, so that main() can print Ember's
// time as a ratio to its peer's from the same run. CPU time, not wall time: the machines
// these run on are shared, and waiting for the CPU is not the code's cost.
#pragma once

#include <benchmark/benchmark.h>
#include <map>
#include <string>
#include <vector>

namespace bench {

class BestTimeReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.run_type != Run::RT_Iteration || run.error_occurred) continue;
      double ns = run.GetAdjustedCPUTime();
      auto [it, added] = best_.try_emplace(run.run_name.function_name, ns);
      if (!added && ns < it->second) it->second = ns;
    }
  }

  // The fastest repetition's CPU time of `function` (e.g. "BM_Pairs_Slab"), or nullptr when
  // it did not run (filtered out by --benchmark_filter, or it failed).
  const double* best(const std::string& function) const {
    auto it = best_.find(function);
    return it == best_.end() ? nullptr : &it->second;
  }

 private:
  std::map<std::string, double> best_;
};

}  // namespace bench
