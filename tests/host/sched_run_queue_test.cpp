// The run-queue policy, behaviour by behaviour (libk/include/sched/run_queue.hpp).
// tests/host/sched_run_queue_property_test.cpp checks the same policy under random load.
#include <catch2/catch.hpp>
#include <vector>

#include <sched/run_queue.hpp>

using sched::Entity;
using sched::RunQueue;

namespace {

constexpr u64 kMs = 1'000'000;

struct Fixture {
  Entity idle{sched::kLowestPriority};
  RunQueue rq{idle};

  // Picks the next entity and runs it for `ns` (charges it); returns it.
  Entity& run(u64 ns) {
    Entity& e = rq.pick_next();
    rq.charge(e, ns);
    return e;
  }
  // Picks every queued entity in turn without charging; returns the order.
  std::vector<Entity*> drain() {
    std::vector<Entity*> order;
    while (rq.runnable() > 0) order.push_back(&rq.pick_next());
    return order;
  }
};

}  // namespace

TEST_CASE("An empty run queue picks the idle entity", "[sched][run_queue]") {
  Fixture f;
  CHECK(&f.rq.pick_next() == &f.idle);
  CHECK(f.rq.runnable() == 0);
}

TEST_CASE("The idle entity is never queued", "[sched][run_queue]") {
  Fixture f;
  f.rq.enqueue(f.idle);
  CHECK(f.rq.runnable() == 0);
  CHECK(f.idle.queue() == Entity::Queue::None);
}

TEST_CASE("Default slices are proportional to priority + 1", "[sched][run_queue]") {
  CHECK(sched::default_slice_ns(sched::kDefaultPriority) == sched::kDefaultSliceNs);
  CHECK(sched::default_slice_ns(0) == 250 * 1000);
  CHECK(sched::kDefaultSliceNs == 17 * 250 * 1000);
  CHECK(sched::default_slice_ns(31) == 8 * kMs);
  Entity e(7);
  CHECK(e.slice_ns() == sched::default_slice_ns(7));
  Entity custom(7, 123);
  CHECK(custom.slice_ns() == 123);
  Entity clamped(200);
  CHECK(clamped.priority() == sched::kHighestPriority);
}

TEST_CASE("Higher priority runs first within a round", "[sched][run_queue]") {
  Fixture f;
  Entity low(3), mid(16), high(30);
  f.rq.enqueue(low);
  f.rq.enqueue(mid);
  f.rq.enqueue(high);
  CHECK(f.drain() == std::vector<Entity*>{&high, &mid, &low});
}

TEST_CASE("Equal priorities run in the order they became runnable", "[sched][run_queue]") {
  Fixture f;
  Entity a, b, c, d;
  for (Entity* e : {&c, &a, &d, &b}) f.rq.enqueue(*e);
  CHECK(f.drain() == std::vector<Entity*>{&c, &a, &d, &b});
}

TEST_CASE("A picked entity starts with its full slice", "[sched][run_queue]") {
  Fixture f;
  Entity a(16, 5 * kMs);
  f.rq.enqueue(a);
  Entity& picked = f.rq.pick_next();
  REQUIRE(&picked == &a);
  CHECK(a.budget_ns() == i64(5 * kMs));
  CHECK(f.rq.slice_left_ns(a) == 5 * kMs);
  CHECK_FALSE(f.rq.slice_expired(a));
}

TEST_CASE("Charging uses up the slice and counts CPU time", "[sched][run_queue]") {
  Fixture f;
  Entity a(16, 5 * kMs);
  f.rq.enqueue(a);
  f.run(3 * kMs);
  CHECK(f.rq.slice_left_ns(a) == 2 * kMs);
  CHECK(a.runtime_ns() == 3 * kMs);
  f.rq.charge(a, 2 * kMs);
  CHECK(f.rq.slice_expired(a));
  CHECK(f.rq.slice_left_ns(a) == 0);
  f.rq.charge(a, 1 * kMs);  // overran (the timer was late): still expired, time still counted
  CHECK(a.runtime_ns() == 6 * kMs);
  CHECK(f.rq.slice_left_ns(a) == 0);
}

TEST_CASE("Equal entities take turns, one slice each", "[sched][run_queue]") {
  Fixture f;
  Entity a, b, c;
  for (Entity* e : {&a, &b, &c}) f.rq.enqueue(*e);
  std::vector<Entity*> order;
  for (int i = 0; i < 9; ++i) {
    Entity& e = f.run(sched::kDefaultSliceNs);
    CHECK(f.rq.slice_expired(e));
    order.push_back(&e);
    f.rq.enqueue(e);
  }
  CHECK(order == std::vector<Entity*>{&a, &b, &c, &a, &b, &c, &a, &b, &c});
  CHECK(f.rq.round() == 3);
}

TEST_CASE("An entity that used up its slice waits for the next round", "[sched][run_queue]") {
  Fixture f;
  Entity high(30), low(0);
  f.rq.enqueue(high);
  f.rq.enqueue(low);
  Entity& first = f.run(high.slice_ns());
  REQUIRE(&first == &high);
  f.rq.enqueue(high);  // preempted at the end of its slice
  CHECK_FALSE(f.rq.in_this_round(high));
  CHECK(&f.rq.pick_next() == &low);  // low runs before high's next turn: no starvation
  CHECK(f.rq.round() == 1);
}

TEST_CASE("A lone entity keeps running round after round", "[sched][run_queue]") {
  Fixture f;
  Entity a;
  f.rq.enqueue(a);
  for (u64 round = 1; round <= 5; ++round) {
    Entity& e = f.run(a.slice_ns());
    CHECK(&e == &a);
    CHECK(f.rq.round() == round);
    f.rq.enqueue(a);
  }
}

TEST_CASE("A woken entity with slice left runs before those waiting for the next round",
          "[sched][run_queue]") {
  Fixture f;
  Entity spinner, sleeper;
  f.rq.enqueue(sleeper);
  f.rq.enqueue(spinner);
  f.run(1 * kMs);  // sleeper runs 1 ms, then blocks
  REQUIRE(f.rq.slice_left_ns(sleeper) == sleeper.slice_ns() - 1 * kMs);
  Entity& s = f.run(spinner.slice_ns());
  REQUIRE(&s == &spinner);
  f.rq.enqueue(spinner);  // slice over: next round
  f.rq.enqueue(sleeper);  // wakes up, same round, with 3 ms left
  CHECK(f.rq.in_this_round(sleeper));
  CHECK(&f.rq.pick_next() == &sleeper);
  CHECK(f.rq.slice_left_ns(sleeper) == sleeper.slice_ns() - 1 * kMs);
}

TEST_CASE("Sleeping does not bank CPU time: a slice belongs to one round", "[sched][run_queue]") {
  Fixture f;
  Entity sleeper, spinner;
  f.rq.enqueue(sleeper);
  f.rq.enqueue(spinner);
  f.run(sleeper.slice_ns());  // sleeper uses its whole slice, then blocks
  CHECK(f.rq.slice_expired(sleeper));
  f.rq.enqueue(sleeper);  // wakes up in the same round: must wait for the next
  CHECK_FALSE(f.rq.in_this_round(sleeper));
  Entity& next = f.rq.pick_next();
  CHECK(&next == &spinner);
}

TEST_CASE("Waking up in a later round gives a fresh slice", "[sched][run_queue]") {
  Fixture f;
  Entity sleeper, spinner;
  f.rq.enqueue(sleeper);
  f.rq.enqueue(spinner);
  f.run(sleeper.slice_ns());     // sleeper exhausts its slice in round 1 and blocks
  for (int i = 0; i < 2; ++i) {  // spinner alone for two rounds
    f.run(spinner.slice_ns());
    f.rq.enqueue(spinner);
  }
  REQUIRE(f.rq.round() == 2);
  f.rq.enqueue(sleeper);
  CHECK(f.rq.in_this_round(sleeper));
  CHECK(sleeper.budget_ns() == i64(sleeper.slice_ns()));
}

TEST_CASE("A woken higher-priority entity preempts; an equal one does not", "[sched][run_queue]") {
  Fixture f;
  Entity running(10), equal(10), higher(11), lower(9);
  f.rq.enqueue(running);
  REQUIRE(&f.rq.pick_next() == &running);
  for (Entity* e : {&equal, &higher, &lower}) f.rq.enqueue(*e);
  CHECK(f.rq.should_preempt(running, higher));
  CHECK_FALSE(f.rq.should_preempt(running, equal));
  CHECK_FALSE(f.rq.should_preempt(running, lower));
}

TEST_CASE("An entity waiting for the next round does not preempt, whatever its priority",
          "[sched][run_queue]") {
  Fixture f;
  Entity high(31), low(0);
  f.rq.enqueue(high);
  f.rq.enqueue(low);
  f.run(high.slice_ns());  // high used its slice and blocks
  REQUIRE(&f.rq.pick_next() == &low);
  f.rq.enqueue(high);  // wakes up in the same round
  CHECK_FALSE(f.rq.should_preempt(low, high));
}

TEST_CASE("Anything runnable preempts the idle entity", "[sched][run_queue]") {
  Fixture f;
  REQUIRE(&f.rq.pick_next() == &f.idle);
  Entity lowest(0);
  f.rq.enqueue(lowest);
  CHECK(f.rq.should_preempt(f.idle, lowest));
  CHECK(&f.rq.pick_next() == &lowest);
}

TEST_CASE("The idle entity accumulates idle time but has no slice", "[sched][run_queue]") {
  Fixture f;
  f.rq.charge(f.idle, 7 * kMs);
  CHECK(f.idle.runtime_ns() == 7 * kMs);
  CHECK_FALSE(f.rq.slice_expired(f.idle));
  CHECK(f.rq.slice_left_ns(f.idle) == 0);
}

TEST_CASE("remove takes a queued entity off the run queue", "[sched][run_queue]") {
  Fixture f;
  Entity a, b, c;
  for (Entity* e : {&a, &b, &c}) f.rq.enqueue(*e);
  f.rq.remove(b);
  CHECK(b.queue() == Entity::Queue::None);
  CHECK(f.rq.runnable() == 2);
  CHECK(f.drain() == std::vector<Entity*>{&a, &c});
  f.rq.remove(b);  // not queued: nothing happens
  CHECK(f.rq.runnable() == 0);
}

TEST_CASE("Changing a queued entity's priority requeues it at the new level",
          "[sched][run_queue]") {
  Fixture f;
  Entity a(5), b(10);
  f.rq.enqueue(a);
  f.rq.enqueue(b);
  f.rq.set_priority(a, 20);
  CHECK(a.priority() == 20);
  CHECK(a.slice_ns() == sched::default_slice_ns(20));
  CHECK(f.drain() == std::vector<Entity*>{&a, &b});
}

TEST_CASE("Lowering a running entity's slice caps its budget", "[sched][run_queue]") {
  Fixture f;
  Entity a(16, 10 * kMs);
  f.rq.enqueue(a);
  f.run(1 * kMs);
  f.rq.set_priority(a, 16, 2 * kMs);
  CHECK(f.rq.slice_left_ns(a) == 2 * kMs);
  CHECK(a.queue() == Entity::Queue::None);
}
