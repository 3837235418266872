// The pure pieces behind the kernel's clock and timers: tick conversion
// (libk/tick_converter.hpp) and the deadline-ordered timer queue (libk/timer_queue.hpp).
#include <catch2/catch.hpp>
#include <random>
#include <vector>

#include <libk/tick_converter.hpp>
#include <libk/timer_queue.hpp>

#include "death_test.hpp"

using libk::TickConverter;

namespace {

u64 exact(u64 ticks, u64 from_hz, u64 to_hz) {
  return u64(static_cast<unsigned __int128>(ticks) * to_hz / from_hz);
}

}  // namespace

TEST_CASE("TSC cycles convert to nanoseconds within a nanosecond per second", "[time]") {
  for (u64 hz : {1'000'000'000ull, 2'596'171'242ull, 3'999'999'999ull, 4'300'000'000ull}) {
    auto c = TickConverter::between(hz, 1'000'000'000);
    for (u64 seconds : {0ull, 1ull, 60ull, 86'400ull, 10ull * 365 * 86'400}) {
      u64 ticks = hz * seconds + 12345;
      u64 got = c.convert(ticks), want = exact(ticks, hz, 1'000'000'000);
      CHECK(got <= want);
      CHECK(want - got <= seconds + 1);
    }
  }
}

TEST_CASE("nanoseconds convert to TSC and LAPIC ticks, even for multi-GHz clocks", "[time]") {
  for (u64 hz : {62'500'000ull, 1'193'182ull, 2'596'171'242ull, 5'000'000'000ull}) {
    auto c = TickConverter::between(1'000'000'000, hz);
    REQUIRE(c.valid());
    for (u64 ns : {1'000ull, 100'000'000ull, 3'600'000'000'000ull}) {
      u64 got = c.convert(ns), want = exact(ns, 1'000'000'000, hz);
      CHECK(got <= want);
      CHECK(want - got <= want / 100'000'000 + 1);  // 10 ppb
    }
  }
}

TEST_CASE("HPET ticks (period in femtoseconds) convert to nanoseconds exactly", "[time]") {
  auto qemu = TickConverter::between(1'000'000, 10'000'000);  // 10 ns period
  CHECK(qemu.convert(12'345) == 123'450);
  auto real = TickConverter::between(1'000'000, 69'841'279);  // 14.318180 MHz
  CHECK(real.convert(14'318'180) == exact(14'318'180, 1'000'000, 69'841'279));
}

TEST_CASE("an invalid frequency gives an invalid converter", "[time]") {
  CHECK_FALSE(TickConverter::between(0, 1'000'000'000).valid());
  CHECK_FALSE(TickConverter::between(1'000'000'000, 0).valid());
}

TEST_CASE("conversion saturates instead of wrapping", "[time]") {
  auto c = TickConverter::between(1, 1'000'000'000);  // 1 Hz -> ns: x 1e9
  CHECK(c.convert(~u64{0}) == ~u64{0});
  CHECK(c.convert(5) == 5'000'000'000);
}

TEST_CASE("timers pop in deadline order; equal deadlines in insertion order", "[time][timers]") {
  libk::TimerQueue q;
  libk::Timer t[4];
  t[0].deadline = 30;
  t[1].deadline = 10;
  t[2].deadline = 20;
  t[3].deadline = 20;
  CHECK(q.insert(t[0]));  // first: earliest
  CHECK(q.insert(t[1]));  // new earliest
  CHECK_FALSE(q.insert(t[2]));
  CHECK_FALSE(q.insert(t[3]));
  CHECK(q.size() == 4);
  CHECK(q.next_deadline().value_or(0) == 10u);
  CHECK(q.pop_expired(5) == nullptr);
  CHECK(q.pop_expired(25) == &t[1]);
  CHECK(q.pop_expired(25) == &t[2]);
  CHECK(q.pop_expired(25) == &t[3]);
  CHECK(q.pop_expired(25) == nullptr);
  CHECK(t[0].armed());
  CHECK_FALSE(t[1].armed());
  CHECK(q.pop_expired(30) == &t[0]);
  CHECK(q.empty());
  CHECK_FALSE(q.next_deadline().has_value());
}

TEST_CASE("removing a timer unlinks it wherever it is", "[time][timers]") {
  libk::TimerQueue q;
  libk::Timer a, b, c;
  a.deadline = 1, b.deadline = 2, c.deadline = 3;
  q.insert(a), q.insert(b), q.insert(c);
  CHECK(q.remove(b));
  CHECK_FALSE(q.remove(b));
  CHECK(q.remove(a));
  CHECK(q.next_deadline().value_or(0) == 3u);
  CHECK(q.size() == 1);
  libk::Timer never;
  CHECK_FALSE(q.remove(never));
}

TEST_CASE("random inserts and removals keep the queue sorted", "[time][timers]") {
  std::mt19937_64 rng(42);
  libk::TimerQueue q;
  std::vector<libk::Timer> timers(200);
  for (auto& t : timers) {
    t.deadline = rng() % 1000;
    q.insert(t);
  }
  for (usize i = 0; i < timers.size(); i += 3) REQUIRE(q.remove(timers[i]));
  u64 last = 0;
  usize popped = 0;
  while (libk::Timer* t = q.pop_expired(~u64{0})) {
    CHECK(t->deadline >= last);
    last = t->deadline;
    ++popped;
  }
  CHECK(popped == timers.size() - (timers.size() + 2) / 3);
}

TEST_CASE("a timer knows its queue; another queue cannot remove it", "[time][timers]") {
  libk::TimerQueue a, b;
  libk::Timer t;
  t.deadline = 5;
  CHECK(t.queue() == nullptr);
  a.insert(t);
  CHECK(t.queue() == &a);
  CHECK_FALSE(b.remove(t));
  CHECK(t.armed());
  CHECK(a.remove(t));
  CHECK(t.queue() == nullptr);
  b.insert(t);
  CHECK(b.pop_expired(10) == &t);
  CHECK_FALSE(t.armed());
}

TEST_CASE("arming a timer that is on a queue fails a VERIFY", "[time][timers]") {
  libk::TimerQueue a, b;
  libk::Timer t;
  a.insert(t);
  CHECK_DIES_WITH(b.insert(t), "VERIFY(!timer.armed())");
  CHECK(a.remove(t));
}
