// The run-queue policy under random load: a discrete-event simulation of CPU-bound and
// interactive (run, sleep, run...) threads with random priorities and slices, driving the
// real RunQueue the way the kernel's scheduler does, and checking the policy's promises
// (libk/include/sched/run_queue.hpp) at every step.
#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <random>
#include <vector>

#include <sched/run_queue.hpp>

using sched::Entity;
using sched::RunQueue;

namespace {

constexpr u64 kUs = 1'000;
constexpr u64 kMs = 1'000'000;

struct SimThread : Entity {
  SimThread(sched::Priority p, u64 slice, bool cpu_bound_, u64 burst_, u64 sleep_)
      : Entity(p, slice), cpu_bound(cpu_bound_), burst(burst_), sleep(sleep_), burst_left(burst_) {}

  bool cpu_bound;
  u64 burst;  // interactive: runs this long, then sleeps `sleep`
  u64 sleep;
  u64 burst_left;
  bool blocked = false;
  u64 wake_at = 0;
  u64 descheduled_at = 0;  // when it last stopped running while still runnable
  bool waiting_to_run = true;
  u64 max_wait = 0;
  std::map<u64, u64> used_per_round;
};

struct Simulation {
  Entity idle{sched::kLowestPriority};
  RunQueue rq{idle};
  std::vector<std::unique_ptr<SimThread>> threads;
  Entity* current = &idle;
  u64 now = 0;
  u64 idle_picks_with_work = 0;

  void add(std::unique_ptr<SimThread> t) {
    rq.enqueue(*t);
    threads.push_back(std::move(t));
  }

  u64 next_wake() const {
    u64 next = ~u64{0};
    for (auto& t : threads)
      if (t->blocked) next = std::min(next, t->wake_at);
    return next;
  }

  SimThread* running_thread() {
    return rq.is_idle(*current) ? nullptr : static_cast<SimThread*>(current);
  }

  void switch_to_next() {
    current = &rq.pick_next();
    if (SimThread* t = running_thread()) {
      if (t->waiting_to_run) t->max_wait = std::max(t->max_wait, now - t->descheduled_at);
      t->waiting_to_run = false;
    } else {
      // Idle may only run when nothing is runnable.
      for (auto& t : threads)
        if (!t->blocked) ++idle_picks_with_work;
    }
  }

  void make_runnable_again(SimThread& t) {
    t.descheduled_at = now;
    t.waiting_to_run = true;
    rq.enqueue(t);
  }

  // Runs the current entity until its slice ends, it blocks, or a thread wakes up.
  void step() {
    SimThread* t = running_thread();
    u64 run = next_wake() - now;
    if (t) {
      run = std::min(run, rq.slice_left_ns(*t));
      if (!t->cpu_bound) run = std::min(run, t->burst_left);
    }
    now += run;
    rq.charge(*current, run);
    if (t) {
      t->used_per_round[rq.round()] += run;
      if (!t->cpu_bound) t->burst_left -= run;
    }
    bool preempt = wake_sleepers();
    if (t && !t->cpu_bound && t->burst_left == 0) {
      t->blocked = true;
      t->wake_at = now + t->sleep;
      t->burst_left = t->burst;
      switch_to_next();
    } else if (!t || rq.slice_expired(*t) || preempt) {
      if (t) make_runnable_again(*t);
      switch_to_next();
    }
  }

  bool wake_sleepers() {
    bool preempt = false;
    for (auto& t : threads) {
      if (!t->blocked || t->wake_at > now) continue;
      t->blocked = false;
      make_runnable_again(*t);
      preempt |= rq.should_preempt(*current, *t);
    }
    return preempt;
  }

  u64 sum_slices_except(const SimThread& me) const {
    u64 sum = 0;
    for (auto& t : threads)
      if (t.get() != &me) sum += t->slice_ns();
    return sum;
  }
};

std::unique_ptr<SimThread> random_thread(std::mt19937_64& rng, bool cpu_bound) {
  auto priority = sched::Priority(rng() % sched::kPriorityLevels);
  u64 slice = rng() % 2 ? 0 : (100 * kUs + rng() % (10 * kMs));
  u64 burst = 10 * kUs + rng() % (6 * kMs);
  u64 sleep = 10 * kUs + rng() % (20 * kMs);
  return std::make_unique<SimThread>(priority, slice, cpu_bound, burst, sleep);
}

}  // namespace

TEST_CASE("Always-runnable threads each get exactly their slice in every round",
          "[sched][run_queue][property]") {
  for (u64 seed = 1; seed <= 100; ++seed) {
    INFO("seed " << seed);
    std::mt19937_64 rng(seed);
    Simulation sim;
    usize cpu_bound = 1 + rng() % 6, interactive = rng() % 6;
    for (usize i = 0; i < cpu_bound; ++i) sim.add(random_thread(rng, true));
    for (usize i = 0; i < interactive; ++i) sim.add(random_thread(rng, false));
    sim.switch_to_next();
    for (int i = 0; i < 5000; ++i) {
      sim.step();
      // In round R an always-runnable thread has run all of rounds 1..R-1 and part of R.
      u64 round = sim.rq.round();
      for (auto& t : sim.threads) {
        if (!t->cpu_bound) continue;
        REQUIRE(t->runtime_ns() >= (round - 1) * t->slice_ns());
        REQUIRE(t->runtime_ns() <= round * t->slice_ns());
      }
    }
    CHECK(sim.rq.round() > 2);
  }
}

TEST_CASE("No thread ever runs more than its slice in one round", "[sched][run_queue][property]") {
  for (u64 seed = 1; seed <= 100; ++seed) {
    INFO("seed " << seed);
    std::mt19937_64 rng(seed * 7919);
    Simulation sim;
    usize n = 1 + rng() % 10;
    for (usize i = 0; i < n; ++i) sim.add(random_thread(rng, rng() % 3 == 0));
    sim.switch_to_next();
    for (int i = 0; i < 5000; ++i) sim.step();
    for (auto& t : sim.threads)
      for (auto [round, used] : t->used_per_round) {
        INFO("round " << round);
        REQUIRE(used <= t->slice_ns());
      }
  }
}

TEST_CASE("A runnable thread waits at most two rounds of everyone else's slices",
          "[sched][run_queue][property]") {
  for (u64 seed = 1; seed <= 100; ++seed) {
    INFO("seed " << seed);
    std::mt19937_64 rng(seed * 104729);
    Simulation sim;
    usize n = 1 + rng() % 10;
    for (usize i = 0; i < n; ++i) sim.add(random_thread(rng, rng() % 2 == 0));
    sim.switch_to_next();
    for (int i = 0; i < 5000; ++i) sim.step();
    // Everyone else can run its slice in the rest of this round and, if it goes first, in
    // the next round before this thread's turn.
    for (auto& t : sim.threads) REQUIRE(t->max_wait <= 2 * sim.sum_slices_except(*t));
  }
}

TEST_CASE("Equal always-runnable threads wait exactly one round for their turn",
          "[sched][run_queue][property]") {
  for (usize n = 1; n <= 8; ++n) {
    Simulation sim;
    for (usize i = 0; i < n; ++i)
      sim.add(std::make_unique<SimThread>(sched::kDefaultPriority, 0, true, 0, 0));
    sim.switch_to_next();
    for (int i = 0; i < 1000; ++i) sim.step();
    for (auto& t : sim.threads) {
      CHECK(t->max_wait == (n - 1) * sched::kDefaultSliceNs);
      CHECK(t->runtime_ns() >= 1000 / n * sched::kDefaultSliceNs - sched::kDefaultSliceNs);
    }
  }
}

TEST_CASE("The idle entity runs only when no thread is runnable", "[sched][run_queue][property]") {
  for (u64 seed = 1; seed <= 100; ++seed) {
    INFO("seed " << seed);
    std::mt19937_64 rng(seed * 31337);
    Simulation sim;
    usize n = 1 + rng() % 6;
    for (usize i = 0; i < n; ++i) sim.add(random_thread(rng, false));
    sim.switch_to_next();
    for (int i = 0; i < 5000; ++i) sim.step();
    CHECK(sim.idle_picks_with_work == 0);
    CHECK(sim.idle.runtime_ns() > 0);  // interactive threads sleep: the CPU did idle
    u64 total = sim.idle.runtime_ns();
    for (auto& t : sim.threads) total += t->runtime_ns();
    CHECK(total == sim.now);  // every nanosecond is charged to exactly one entity
  }
}

TEST_CASE("Run queue bookkeeping survives random enqueue, remove, pick and reprioritize",
          "[sched][run_queue][property]") {
  for (u64 seed = 1; seed <= 100; ++seed) {
    INFO("seed " << seed);
    std::mt19937_64 rng(seed);
    Entity idle;
    RunQueue rq(idle);
    std::vector<std::unique_ptr<Entity>> pool;
    for (int i = 0; i < 24; ++i)
      pool.push_back(std::make_unique<Entity>(sched::Priority(rng() % 32)));
    usize queued = 0;
    for (int step = 0; step < 3000; ++step) {
      Entity& e = *pool[rng() % pool.size()];
      bool on_queue = e.queue() == Entity::Queue::Runnable;
      switch (rng() % 4) {
        case 0:
          if (!on_queue) {
            rq.enqueue(e);
            ++queued;
          }
          break;
        case 1:
          if (on_queue) {
            rq.remove(e);
            --queued;
          }
          break;
        case 2: {
          Entity& picked = rq.pick_next();
          if (queued == 0) {
            REQUIRE(&picked == &idle);
          } else {
            REQUIRE(&picked != &idle);
            REQUIRE(picked.queue() == Entity::Queue::None);
            REQUIRE(rq.slice_left_ns(picked) > 0);
            --queued;
            rq.charge(picked, rng() % (2 * picked.slice_ns()));
          }
          break;
        }
        case 3:
          rq.set_priority(e, sched::Priority(rng() % 32));
          REQUIRE((e.queue() == Entity::Queue::Runnable) == on_queue);
          break;
      }
      REQUIRE(rq.runnable() == queued);
    }
  }
}
