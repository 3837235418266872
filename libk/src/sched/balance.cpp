#include <sched/balance.hpp>

namespace sched {

namespace {

bool better(const CpuLoad& a, u32 a_index, const CpuLoad& b, u32 b_index, u32 last) {
  if (a.queued != b.queued) return a.queued < b.queued;
  if (a_index == last) return true;
  if (b_index == last) return false;
  return a_index < b_index;
}

// The best CPU among the online ones `accept` takes, by fewest queued (last first).
template <typename Accept>
u32 fewest_queued(Span<const CpuLoad> cpus, u32 last, Accept accept) {
  u32 best = kNoCpu;
  for (u32 i = 0; i < cpus.size(); ++i) {
    if (!cpus[i].online || !accept(cpus[i])) continue;
    if (best == kNoCpu || better(cpus[i], i, cpus[best], best, last)) best = i;
  }
  return best;
}

}  // namespace

u32 place(Span<const CpuLoad> cpus, u32 last, u32 affinity, Priority priority) {
  usize n = cpus.size();
  if (affinity != kAnyCpu) return affinity < n && cpus[affinity].online ? affinity : kNoCpu;
  if (last < n && cpus[last].online && cpus[last].idle) return last;
  for (usize step = 1; step <= n; ++step) {
    usize i = (usize(last < n ? last : 0) + step) % n;
    if (cpus[i].online && cpus[i].idle) return u32(i);
  }
  u32 lower =
      fewest_queued(cpus, last, [priority](const CpuLoad& c) { return c.running < priority; });
  if (lower != kNoCpu) return lower;
  return fewest_queued(cpus, last, [](const CpuLoad&) { return true; });
}

u32 pick_victim(Span<const CpuLoad> cpus, u32 thief) {
  u32 best = kNoCpu;
  for (u32 i = 0; i < cpus.size(); ++i) {
    if (i == thief || !cpus[i].online || cpus[i].queued == 0) continue;
    if (best == kNoCpu || cpus[i].queued > cpus[best].queued) best = i;
  }
  return best;
}

}  // namespace sched
