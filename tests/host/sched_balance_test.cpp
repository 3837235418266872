// Placement of runnable threads and work stealing across CPUs (libk/include/sched/balance.hpp,
// RunQueue::steal_for): the policy the kernel's scheduler follows on several CPUs.
#include <catch2/catch.hpp>
#include <vector>

#include <sched/balance.hpp>
#include <sched/run_queue.hpp>

using sched::CpuLoad;
using sched::kAnyCpu;
using sched::kNoCpu;

namespace {

CpuLoad busy(usize queued, sched::Priority running = 16) { return {true, false, queued, running}; }
CpuLoad idle() { return {true, true, 0, 0}; }
CpuLoad offline() { return {}; }

u32 place(const std::vector<CpuLoad>& cpus, u32 last, u32 affinity = kAnyCpu,
          sched::Priority priority = 16) {
  return sched::place({cpus.data(), cpus.size()}, last, affinity, priority);
}

}  // namespace

TEST_CASE("A pinned thread goes to its CPU, however busy; never to an offline one",
          "[sched][balance]") {
  CHECK(place({idle(), busy(5)}, 0, 1) == 1);
  CHECK(place({idle(), offline()}, 0, 1) == kNoCpu);
  CHECK(place({idle(), busy(1)}, 0, 7) == kNoCpu);
}

TEST_CASE("A woken thread prefers its last CPU when that one is idle", "[sched][balance]") {
  CHECK(place({idle(), idle(), idle()}, 1) == 1);
}

TEST_CASE("Otherwise it goes to an idle CPU, the first after its last one", "[sched][balance]") {
  CHECK(place({idle(), busy(0), busy(2), idle()}, 1) == 3);
  CHECK(place({idle(), busy(0), busy(2), busy(0)}, 2) == 0);  // wraps around
  CHECK(place({busy(0), offline(), idle()}, 0) == 2);
}

TEST_CASE("With no CPU idle, it goes where it preempts a lower priority, fewest queued first",
          "[sched][balance]") {
  // Priority 20 preempts the CPUs running 16, not the one running 24.
  CHECK(place({busy(0, 24), busy(3, 16), busy(1, 16)}, 0, kAnyCpu, 20) == 2);
  // Among equals the last CPU wins (warm caches).
  CHECK(place({busy(1, 16), busy(1, 16)}, 1, kAnyCpu, 20) == 1);
}

TEST_CASE("With nothing to preempt, it goes to the CPU with the fewest queued",
          "[sched][balance]") {
  CHECK(place({busy(2), busy(1), busy(3)}, 0) == 1);
  CHECK(place({busy(1), busy(1), busy(3)}, 1) == 1);  // ties: the last CPU
  CHECK(place({busy(1), busy(1), busy(3)}, 2) == 0);  // ties without it: the lowest index
  CHECK(place({offline(), offline()}, 0) == kNoCpu);
}

TEST_CASE("An idle CPU takes work from the CPU with the most queued", "[sched][balance]") {
  std::vector<CpuLoad> cpus = {idle(), busy(1), busy(4), busy(4), offline()};
  CHECK(sched::pick_victim({cpus.data(), cpus.size()}, 0) == 2);
  std::vector<CpuLoad> none = {idle(), busy(0), idle()};
  CHECK(sched::pick_victim({none.data(), none.size()}, 0) == kNoCpu);
}

TEST_CASE("Stealing takes the highest priority this round, skipping what may not move",
          "[sched][balance][run_queue]") {
  sched::Entity idle_entity{sched::kLowestPriority};
  sched::RunQueue rq(idle_entity);
  sched::Entity low{10}, high{20}, pinned{25};
  pinned.set_affinity(0);  // may run only on CPU 0
  rq.enqueue(low);
  rq.enqueue(high);
  rq.enqueue(pinned);
  CHECK(rq.steal_for(1) == &high);
  CHECK(rq.steal_for(1) == &low);
  CHECK(rq.steal_for(1) == nullptr);  // only the pinned one is left
  CHECK(rq.runnable() == 1);
  CHECK(rq.steal_for(0) == &pinned);  // CPU 0 may take it
  CHECK(high.queue() == sched::Entity::Queue::None);
  // A stolen entity can be queued on another run queue.
  sched::RunQueue other(idle_entity);
  other.enqueue(high);
  CHECK(&other.pick_next() == &high);
}
