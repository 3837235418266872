// Ember's slab heap and buddy allocator against glibc malloc and mimalloc, same workload,
// same run (docs/memory.md, "Numbers"). Workloads:
//   pairs: allocate then free at once, sizes uniformly random in 16..512 B (the target's);
//   churn: a live set of 1024 objects, each step frees a random one and allocates anew.
// The slab heap runs without debug checks (the fast path) and, separately, with them.
// mimalloc is called through its own API (mi_malloc/mi_free), not as a malloc override.
#include <benchmark/benchmark.h>
#include <cstdio>
#include <cstdlib>
#include <mimalloc.h>
#include <random>
#include <string>
#include <vector>

#include <libk/buddy.hpp>
#include <libk/slab.hpp>

#include "best_time_reporter.hpp"

namespace {

constexpr usize kSizes = 1 << 12;  // a power of two: the index wraps with a mask
constexpr usize kLive = 1024;

const std::vector<u32>& random_sizes() {
  static const std::vector<u32> sizes = [] {
    std::mt19937 rng(42);
    std::uniform_int_distribution<u32> dist(16, 512);
    std::vector<u32> v(kSizes);
    for (u32& s : v) s = dist(rng);
    return v;
  }();
  return sizes;
}

const std::vector<u32>& random_slots() {
  static const std::vector<u32> slots = [] {
    std::mt19937 rng(7);
    std::vector<u32> v(kSizes);
    for (u32& s : v) s = rng() % kLive;
    return v;
  }();
  return slots;
}

class HostSlabs final : public libk::SlabPageSource {
 public:
  void* allocate_slab() override {
    return std::aligned_alloc(libk::SlabCache::kSlabBytes, libk::SlabCache::kSlabBytes);
  }
  void free_slab(void* slab) override { std::free(slab); }
};

struct Slab {
  explicit Slab(bool debug) { heap.init(slabs, debug); }
  ~Slab() { heap.trim(); }
  void* allocate(usize n) { return heap.allocate(n).value(); }
  void free(void* p) { (void)libk::SlabHeap::free(p); }
  HostSlabs slabs;
  libk::SlabHeap heap;
};
struct Glibc {
  void* allocate(usize n) { return std::malloc(n); }
  void free(void* p) { std::free(p); }
};
struct Mimalloc {
  void* allocate(usize n) { return mi_malloc(n); }
  void free(void* p) { mi_free(p); }
};

template <typename Allocator>
void pairs(benchmark::State& state, Allocator& a) {
  const std::vector<u32>& sizes = random_sizes();
  usize i = 0;
  for (auto _ : state) {
    void* p = a.allocate(sizes[i++ & (kSizes - 1)]);
    benchmark::DoNotOptimize(p);
    a.free(p);
  }
  state.SetItemsProcessed(state.iterations());
}

template <typename Allocator>
void churn(benchmark::State& state, Allocator& a) {
  const std::vector<u32>& sizes = random_sizes();
  const std::vector<u32>& slots = random_slots();
  std::vector<void*> live(kLive);
  for (usize j = 0; j < kLive; ++j) live[j] = a.allocate(sizes[j]);
  usize i = 0;
  for (auto _ : state) {
    usize k = i & (kSizes - 1);
    void*& slot = live[slots[k]];
    a.free(slot);
    slot = a.allocate(sizes[k]);
    benchmark::DoNotOptimize(slot);
    ++i;
  }
  for (void* p : live) a.free(p);
  state.SetItemsProcessed(state.iterations());
}

void BM_Pairs_Slab(benchmark::State& s) {
  Slab a(false);
  pairs(s, a);
}
void BM_Pairs_SlabDebug(benchmark::State& s) {
  Slab a(true);
  pairs(s, a);
}
void BM_Pairs_Glibc(benchmark::State& s) {
  Glibc a;
  pairs(s, a);
}
void BM_Pairs_Mimalloc(benchmark::State& s) {
  Mimalloc a;
  pairs(s, a);
}
void BM_Churn_Slab(benchmark::State& s) {
  Slab a(false);
  churn(s, a);
}
void BM_Churn_SlabDebug(benchmark::State& s) {
  Slab a(true);
  churn(s, a);
}
void BM_Churn_Glibc(benchmark::State& s) {
  Glibc a;
  churn(s, a);
}
void BM_Churn_Mimalloc(benchmark::State& s) {
  Mimalloc a;
  churn(s, a);
}

// Frames: Ember's buddy allocator over 1 GiB of made-up physical memory, against blocks of
// the same size and alignment from glibc and mimalloc. 4 KiB frames go through the buddy's
// single-frame cache; 32 KiB blocks (a slab) split and merge every time.
template <u32 kOrder>
void buddy_pairs(benchmark::State& state) {
  libk::BuddyAllocator::Section section{1ull << 30, 1ull << 30};
  std::vector<u64> metadata(libk::BuddyAllocator::metadata_bytes({&section, 1}) / 8);
  libk::BuddyAllocator buddy;
  (void)buddy.init({&section, 1}, metadata.data(), metadata.size() * 8);
  (void)buddy.add_free(section.base, section.length);
  for (auto _ : state) {
    u64 frame = *buddy.allocate(kOrder);
    benchmark::DoNotOptimize(frame);
    (void)buddy.free(frame, kOrder);
  }
  state.SetItemsProcessed(state.iterations());
}
template <usize kBytes>
void glibc_aligned_pairs(benchmark::State& state) {
  for (auto _ : state) {
    void* p = std::aligned_alloc(kBytes, kBytes);
    benchmark::DoNotOptimize(p);
    std::free(p);
  }
  state.SetItemsProcessed(state.iterations());
}
template <usize kBytes>
void mimalloc_aligned_pairs(benchmark::State& state) {
  for (auto _ : state) {
    void* p = mi_malloc_aligned(kBytes, kBytes);
    benchmark::DoNotOptimize(p);
    mi_free(p);
  }
  state.SetItemsProcessed(state.iterations());
}
void BM_Page4K_Buddy(benchmark::State& s) { buddy_pairs<0>(s); }
void BM_Page4K_Glibc(benchmark::State& s) { glibc_aligned_pairs<4096>(s); }
void BM_Page4K_Mimalloc(benchmark::State& s) { mimalloc_aligned_pairs<4096>(s); }
void BM_Block32K_Buddy(benchmark::State& s) { buddy_pairs<3>(s); }
void BM_Block32K_Glibc(benchmark::State& s) { glibc_aligned_pairs<32768>(s); }
void BM_Block32K_Mimalloc(benchmark::State& s) { mimalloc_aligned_pairs<32768>(s); }

BENCHMARK(BM_Pairs_Slab);
BENCHMARK(BM_Pairs_SlabDebug);
BENCHMARK(BM_Pairs_Glibc);
BENCHMARK(BM_Pairs_Mimalloc);
BENCHMARK(BM_Churn_Slab);
BENCHMARK(BM_Churn_SlabDebug);
BENCHMARK(BM_Churn_Glibc);
BENCHMARK(BM_Churn_Mimalloc);
BENCHMARK(BM_Page4K_Buddy);
BENCHMARK(BM_Page4K_Glibc);
BENCHMARK(BM_Page4K_Mimalloc);
BENCHMARK(BM_Block32K_Buddy);
BENCHMARK(BM_Block32K_Glibc);
BENCHMARK(BM_Block32K_Mimalloc);

void print_ratio(const bench::BestTimeReporter& r, const std::string& ours,
                 const std::string& peer) {
  const double* a = r.best(ours);
  const double* b = r.best(peer);
  if (!a || !b) return;
  std::printf("ratio %-20s / %-20s = %.2f  (%s is %.2fx as fast)\n", ours.c_str(), peer.c_str(),
              *a / *b, ours.c_str(), *b / *a);
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  bench::BestTimeReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  std::printf("\n");
  for (const char* w : {"Pairs", "Churn"}) {
    for (const char* ours : {"Slab", "SlabDebug"})
      for (const char* peer : {"Glibc", "Mimalloc"})
        print_ratio(reporter, "BM_" + std::string(w) + "_" + ours,
                    "BM_" + std::string(w) + "_" + peer);
  }
  print_ratio(reporter, "BM_Page4K_Buddy", "BM_Page4K_Glibc");
  print_ratio(reporter, "BM_Page4K_Buddy", "BM_Page4K_Mimalloc");
  print_ratio(reporter, "BM_Block32K_Buddy", "BM_Block32K_Glibc");
  print_ratio(reporter, "BM_Block32K_Buddy", "BM_Block32K_Mimalloc");
  benchmark::Shutdown();
  return 0;
}
