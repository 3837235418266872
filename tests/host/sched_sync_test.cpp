// Wait-list ordering and the bookkeeping of mutexes and semaphores
// (libk/include/sched/{wait_list,mutex_core,semaphore_core}.hpp).
#include <catch2/catch.hpp>
#include <memory>
#include <random>
#include <vector>

#include <sched/mutex_core.hpp>
#include <sched/semaphore_core.hpp>
#include <sched/wait_list.hpp>

using sched::Entity;
using sched::MutexCore;
using sched::SemaphoreCore;
using sched::WaitList;

namespace {

std::vector<Entity*> pop_all(WaitList& list) {
  std::vector<Entity*> order;
  while (Entity* e = list.pop()) order.push_back(e);
  return order;
}

}  // namespace

TEST_CASE("A wait list wakes equal priorities first come, first served", "[sched][wait_list]") {
  WaitList list;
  Entity a, b, c;
  list.add(b);
  list.add(a);
  list.add(c);
  CHECK(list.size() == 3);
  CHECK(pop_all(list) == std::vector<Entity*>{&b, &a, &c});
  CHECK(list.empty());
}

TEST_CASE("A wait list wakes higher priorities first", "[sched][wait_list]") {
  WaitList list;
  Entity low1(2), high(20), mid(10), low2(2), high2(20);
  for (Entity* e : {&low1, &high, &mid, &low2, &high2}) list.add(*e);
  CHECK(pop_all(list) == std::vector<Entity*>{&high, &high2, &mid, &low1, &low2});
}

TEST_CASE("A waiter knows which list it waits on", "[sched][wait_list]") {
  WaitList one, two;
  Entity e;
  one.add(e);
  CHECK(e.queue() == Entity::Queue::Waiting);
  CHECK(e.waiting_on() == &one);
  CHECK(one.contains(e));
  CHECK_FALSE(two.contains(e));
  CHECK_FALSE(two.remove(e));  // not here: nothing changes
  CHECK(one.size() == 1);
  CHECK(one.remove(e));
  CHECK(e.queue() == Entity::Queue::None);
  CHECK(e.waiting_on() == nullptr);
  CHECK(one.empty());
}

TEST_CASE("cancel_wait takes a waiter off whichever list it is on", "[sched][wait_list]") {
  WaitList one, two;
  Entity a, b, idle;
  one.add(a);
  two.add(b);
  CHECK(WaitList::cancel_wait(b));
  CHECK(two.empty());
  CHECK(one.size() == 1);
  CHECK_FALSE(WaitList::cancel_wait(b));     // on no list any more
  CHECK_FALSE(WaitList::cancel_wait(idle));  // never was
  CHECK(WaitList::cancel_wait(a));
  CHECK(one.empty());
}

TEST_CASE("Removing a waiter keeps the others in order", "[sched][wait_list]") {
  WaitList list;
  Entity a, b, c, d(30);
  for (Entity* e : {&a, &b, &c, &d}) list.add(*e);
  CHECK(list.remove(b));
  CHECK(list.front() == &d);
  CHECK(pop_all(list) == std::vector<Entity*>{&d, &a, &c});
}

TEST_CASE("A wait list pops in (priority desc, arrival) order under random use",
          "[sched][wait_list][property]") {
  for (unsigned seed = 1; seed <= 50; ++seed) {
    INFO("seed " << seed);
    std::mt19937 rng(seed);
    WaitList list;
    std::vector<std::unique_ptr<Entity>> pool;
    std::vector<std::pair<Entity*, u64>> model;  // waiter, arrival number
    u64 arrivals = 0;
    for (int i = 0; i < 20; ++i)
      pool.push_back(std::make_unique<Entity>(sched::Priority(rng() % 4)));
    for (int step = 0; step < 2000; ++step) {
      Entity& e = *pool[rng() % pool.size()];
      if (rng() % 3 != 0) {
        if (e.queue() == Entity::Queue::None) {
          list.add(e);
          model.push_back({&e, arrivals++});
        }
      } else if (Entity* popped = list.pop()) {
        auto best = std::min_element(model.begin(), model.end(), [](auto& x, auto& y) {
          if (x.first->priority() != y.first->priority())
            return x.first->priority() > y.first->priority();
          return x.second < y.second;
        });
        REQUIRE(popped == best->first);
        model.erase(best);
      }
      REQUIRE(list.size() == model.size());
    }
  }
}

TEST_CASE("A free mutex is acquired at once", "[sched][mutex]") {
  MutexCore m;
  Entity a;
  CHECK_FALSE(m.locked());
  CHECK(m.lock(a) == MutexCore::LockResult::Acquired);
  CHECK(m.owner() == &a);
  CHECK(m.unlock(a) == MutexCore::UnlockResult::Released);
  CHECK_FALSE(m.locked());
}

TEST_CASE("Locking a mutex you own is reported and changes nothing", "[sched][mutex]") {
  MutexCore m;
  Entity a;
  REQUIRE(m.lock(a) == MutexCore::LockResult::Acquired);
  CHECK(m.lock(a) == MutexCore::LockResult::AlreadyOwner);
  CHECK(m.try_lock(a) == MutexCore::LockResult::AlreadyOwner);
  CHECK(m.owner() == &a);
  CHECK(m.waiters().empty());
}

TEST_CASE("Unlocking a mutex you do not own is reported and changes nothing", "[sched][mutex]") {
  MutexCore m;
  Entity a, b, c;
  CHECK(m.unlock(a) == MutexCore::UnlockResult::NotOwner);  // nobody owns it
  REQUIRE(m.lock(a) == MutexCore::LockResult::Acquired);
  REQUIRE(m.lock(c) == MutexCore::LockResult::MustWait);
  CHECK(m.unlock(b) == MutexCore::UnlockResult::NotOwner);
  CHECK(m.owner() == &a);
  CHECK(m.waiters().size() == 1);
}

TEST_CASE("A contended mutex queues the caller", "[sched][mutex]") {
  MutexCore m;
  Entity a, b;
  REQUIRE(m.lock(a) == MutexCore::LockResult::Acquired);
  CHECK(m.lock(b) == MutexCore::LockResult::MustWait);
  CHECK(m.waiters().contains(b));
  CHECK(m.owner() == &a);
}

TEST_CASE("try_lock never queues", "[sched][mutex]") {
  MutexCore m;
  Entity a, b;
  CHECK(m.try_lock(a) == MutexCore::LockResult::Acquired);
  CHECK(m.try_lock(b) == MutexCore::LockResult::MustWait);
  CHECK(m.waiters().empty());
  CHECK(b.queue() == Entity::Queue::None);
}

TEST_CASE("Unlocking hands the mutex to the first waiter", "[sched][mutex]") {
  MutexCore m;
  Entity a, b, c, urgent(30);
  REQUIRE(m.lock(a) == MutexCore::LockResult::Acquired);
  for (Entity* e : {&b, &c, &urgent}) REQUIRE(m.lock(*e) == MutexCore::LockResult::MustWait);
  CHECK(m.unlock(a) == MutexCore::UnlockResult::HandedOff);
  CHECK(m.owner() == &urgent);
  CHECK_FALSE(m.waiters().contains(urgent));
  CHECK(m.unlock(urgent) == MutexCore::UnlockResult::HandedOff);
  CHECK(m.owner() == &b);
  CHECK(m.unlock(b) == MutexCore::UnlockResult::HandedOff);
  CHECK(m.owner() == &c);
  CHECK(m.unlock(c) == MutexCore::UnlockResult::Released);
  CHECK_FALSE(m.locked());
}

TEST_CASE("A late arrival cannot barge past a handed-off waiter", "[sched][mutex]") {
  MutexCore m;
  Entity a, waiter, late;
  REQUIRE(m.lock(a) == MutexCore::LockResult::Acquired);
  REQUIRE(m.lock(waiter) == MutexCore::LockResult::MustWait);
  REQUIRE(m.unlock(a) == MutexCore::UnlockResult::HandedOff);
  // `waiter` has not run yet, but it owns the mutex already.
  CHECK(m.try_lock(late) == MutexCore::LockResult::MustWait);
  CHECK(m.owner() == &waiter);
}

TEST_CASE("A cancelled mutex wait leaves the queue", "[sched][mutex]") {
  MutexCore m;
  Entity a, b, c;
  REQUIRE(m.lock(a) == MutexCore::LockResult::Acquired);
  REQUIRE(m.lock(b) == MutexCore::LockResult::MustWait);
  REQUIRE(m.lock(c) == MutexCore::LockResult::MustWait);
  CHECK(m.cancel_wait(b));
  CHECK_FALSE(m.cancel_wait(b));
  CHECK(m.unlock(a) == MutexCore::UnlockResult::HandedOff);
  CHECK(m.owner() == &c);
}

TEST_CASE("A semaphore gives out its initial units without waiting", "[sched][semaphore]") {
  SemaphoreCore s(2);
  Entity a, b, c;
  CHECK(s.down(a));
  CHECK(s.down(b));
  CHECK(s.count() == 0);
  CHECK_FALSE(s.down(c));
  CHECK(s.waiters().contains(c));
}

TEST_CASE("A semaphore hands a released unit straight to the first waiter", "[sched][semaphore]") {
  SemaphoreCore s(0);
  Entity a, b, high(25);
  REQUIRE_FALSE(s.down(a));
  REQUIRE_FALSE(s.down(b));
  REQUIRE_FALSE(s.down(high));
  CHECK(s.up() == &high);
  CHECK(s.up() == &a);
  CHECK(s.count() == 0);  // handed over, never counted
  CHECK(s.up() == &b);
  CHECK(s.up() == nullptr);
  CHECK(s.count() == 1);
}

TEST_CASE("try_down takes a free unit or fails without queueing", "[sched][semaphore]") {
  SemaphoreCore s(1);
  CHECK(s.try_down());
  CHECK_FALSE(s.try_down());
  CHECK(s.waiters().empty());
}

TEST_CASE("A semaphore's count cannot overflow", "[sched][semaphore]") {
  SemaphoreCore s(~u64{0});
  CHECK(s.up_would_overflow());
  CHECK(s.up() == nullptr);
  CHECK(s.count() == ~u64{0});
  Entity a;
  REQUIRE(s.down(a));
  CHECK_FALSE(s.up_would_overflow());
}

TEST_CASE("A semaphore never has both free units and waiters", "[sched][semaphore][property]") {
  for (unsigned seed = 1; seed <= 50; ++seed) {
    INFO("seed " << seed);
    std::mt19937 rng(seed);
    SemaphoreCore s(rng() % 3);
    std::vector<std::unique_ptr<Entity>> pool;
    for (int i = 0; i < 10; ++i) pool.push_back(std::make_unique<Entity>());
    u64 units_out = 0, initial = s.count(), ups = 0;
    for (int step = 0; step < 2000; ++step) {
      Entity& e = *pool[rng() % pool.size()];
      if (rng() % 2 && e.queue() == Entity::Queue::None) {
        if (s.down(e)) ++units_out;
      } else {
        ++ups;
        if (s.up()) ++units_out;  // handed to a waiter
      }
      REQUIRE((s.count() == 0 || s.waiters().empty()));
      // Conservation: units handed out + free units == initial + released units.
      REQUIRE(units_out + s.count() == initial + ups);
    }
  }
}

TEST_CASE("A free mutex is taken and released without the caller's lock", "[sched][mutex]") {
  MutexCore m;
  Entity a, b;
  CHECK(m.try_acquire(a));
  CHECK(m.owner() == &a);
  CHECK_FALSE(m.try_acquire(b));
  CHECK_FALSE(m.release_if_uncontended(b));  // not the owner
  CHECK(m.release_if_uncontended(a));
  CHECK_FALSE(m.locked());
}

TEST_CASE("With a waiter queued, the owner's fast release fails and unlock hands off",
          "[sched][mutex]") {
  MutexCore m;
  Entity a, b, late;
  REQUIRE(m.try_acquire(a));
  REQUIRE(m.lock(b) == MutexCore::LockResult::MustWait);
  CHECK_FALSE(m.release_if_uncontended(a));  // b waits: the slow path must hand it over
  CHECK(m.unlock(a) == MutexCore::UnlockResult::HandedOff);
  CHECK(m.owner() == &b);
  CHECK_FALSE(m.try_acquire(late));    // handed off, never free in between
  CHECK(m.release_if_uncontended(b));  // nobody left waiting: the fast path works again
}

TEST_CASE("A waiter that gives up clears the waiters mark when it was the last", "[sched][mutex]") {
  MutexCore m;
  Entity a, b;
  REQUIRE(m.try_acquire(a));
  REQUIRE(m.lock(b) == MutexCore::LockResult::MustWait);
  CHECK(m.cancel_wait(b));
  CHECK(m.release_if_uncontended(a));
}
