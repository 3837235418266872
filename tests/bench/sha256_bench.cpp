// SHA-256 throughput (docs/secure-boot.md#performance): libk::Sha256 against coreutils'
// sha256sum on the same 64 MiB of data, paired in every iteration so that both see the same
// machine load. libk's time is this thread's CPU time; sha256sum's is the child's user +
// system CPU time (wait4's rusage), so it includes its process start and reading the file
// from the page cache, as a user running sha256sum would pay. Each iteration also checks
// that both computed the same digest.
//
//   build/tests/bench/sha256-bench /usr/bin/sha256sum
#include <benchmark/benchmark.h>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <random>
#include <spawn.h>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include <libk/sha256.hpp>

extern char** environ;

namespace {

constexpr size_t kBytes = 64 << 20;
const char* sha256sum_path = "sha256sum";

struct TestFile {
  std::vector<u8> data;
  std::string path;
};

const TestFile& test_file() {
  static TestFile file = [] {
    TestFile f;
    f.data.resize(kBytes);
    std::mt19937_64 rng(16);
    for (size_t i = 0; i < kBytes; i += 8) {
      u64 v = rng();
      __builtin_memcpy(&f.data[i], &v, 8);
    }
    char path[] = "/tmp/ember-sha256-bench-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0 || write(fd, f.data.data(), kBytes) != ssize_t(kBytes)) std::abort();
    close(fd);
    f.path = path;
    return f;
  }();
  return file;
}

double thread_cpu_seconds() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return double(t.tv_sec) + double(t.tv_nsec) * 1e-9;
}

// Runs sha256sum on the file; returns its CPU seconds and the digest it printed.
double run_sha256sum(const std::string& path, std::string& digest) {
  int out[2];
  if (pipe(out) != 0) std::abort();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  char* argv[] = {const_cast<char*>(sha256sum_path), const_cast<char*>(path.c_str()), nullptr};
  pid_t pid;
  if (posix_spawn(&pid, sha256sum_path, &actions, nullptr, argv, environ) != 0) std::abort();
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  char text[65] = {};
  if (read(out[0], text, 64) != 64) std::abort();
  close(out[0]);
  int status;
  rusage usage;
  if (wait4(pid, &status, 0, &usage) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
    std::abort();
  digest = text;
  auto seconds = [](const timeval& t) { return double(t.tv_sec) + double(t.tv_usec) * 1e-6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

void BM_Sha256_vs_sha256sum(benchmark::State& state) {
  const TestFile& file = test_file();
  double libk_total = 0, peer_total = 0;
  for (auto _ : state) {
    double t0 = thread_cpu_seconds();
    libk::Sha256Digest d = libk::Sha256::of(libk::Bytes(file.data.data(), file.data.size()));
    double t1 = thread_cpu_seconds();
    benchmark::DoNotOptimize(d);
    std::string peer;
    double peer_seconds = run_sha256sum(file.path, peer);
    char ours[65];
    libk::format_into(ours, sizeof(ours), "{}", d);
    if (peer != ours) {
      state.SkipWithError("libk and sha256sum disagree on the digest");
      return;
    }
    libk_total += t1 - t0;
    peer_total += peer_seconds;
    state.SetIterationTime(t1 - t0);
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(kBytes));
  state.counters["sha256sum_MBps"] = double(kBytes) * double(state.iterations()) / peer_total / 1e6;
  state.counters["ratio"] = libk_total / peer_total;
}
BENCHMARK(BM_Sha256_vs_sha256sum)->UseManualTime()->Unit(benchmark::kMillisecond)->MinTime(2);

// Prints the ratio: libk's time per 64 MiB over sha256sum's, from the same iterations.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      if (run.error_occurred || run.run_type != Run::RT_Iteration) continue;
      ratio_ = run.counters.at("ratio").value;
      peer_mbps_ = run.counters.at("sha256sum_MBps").value;
      libk_mbps_ = double(kBytes) / run.GetAdjustedRealTime() * 1e3 / 1e6;
    }
    ConsoleReporter::ReportRuns(runs);
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    if (ratio_ > 0)
      std::printf(
          "\nSHA-256 of 64 MiB: libk %.0f MB/s, sha256sum %.0f MB/s; libk's time = %.2fx "
          "sha256sum's (same iterations)\n",
          libk_mbps_, peer_mbps_, ratio_);
  }

 private:
  double ratio_ = 0, peer_mbps_ = 0, libk_mbps_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (argc > 1) sha256sum_path = argv[1];
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  unlink(test_file().path.c_str());
  return 0;
}
