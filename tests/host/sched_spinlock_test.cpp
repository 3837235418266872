// Spinlock guards and the interrupt flag (libk/include/sched/spinlock.hpp), on a fake CPU.
#include <catch2/catch.hpp>
#include <stdexcept>
#include <string>
#include <type_traits>

#include <sched/spinlock.hpp>

namespace {

struct FakeCpu {
  using IrqState = bool;
  static inline bool interrupts = true;
  static inline u64 relaxes = 0;
  static inline u32 id = 0;        // the CPU the test code runs on
  static inline u64 clock_ns = 0;  // advances 1 us per relax: a simulated wait
  static inline bool check_order = false;
  static inline sched::LockOrder order;
  static inline std::string error;  // "<lock> <error> owner=<cpu> in <function>"

  static IrqState irq_save_disable() {
    bool was = interrupts;
    interrupts = false;
    return was;
  }
  static void irq_restore(IrqState s) { interrupts = s; }
  static void relax() {
    ++relaxes;
    clock_ns += 1000;
  }
  static u32 cpu_id() { return id; }
  static u64 now_ns() { return clock_ns; }
  static sched::LockOrder* lock_order() { return check_order ? &order : nullptr; }
  [[noreturn]] static void lock_error(const sched::LockReport& r) {
    static constexpr const char* kNames[] = {"recursion", "never-released", "not-held", "order"};
    error = std::string(r.lock) + " " + kNames[int(r.error)] +
            " owner=" + (r.owner == ~0u ? std::string("none") : std::to_string(r.owner)) + " in " +
            r.function;
    if (r.held) error += std::string(" holding ") + r.held;
    throw std::runtime_error(error);
  }
  static void reset() {
    interrupts = true;
    relaxes = 0;
    id = 0;
    clock_ns = 1;
    check_order = false;
    order = {};
    error.clear();
  }
};

using Lock = sched::BasicSpinLock<FakeCpu>;
using Guard = sched::BasicSpinLockGuard<FakeCpu>;

}  // namespace

TEST_CASE("A spinlock guard holds the lock with interrupts off", "[sched][spinlock]") {
  FakeCpu::reset();
  Lock lock("test");
  {
    Guard guard(lock);
    CHECK(lock.is_locked());
    CHECK_FALSE(FakeCpu::interrupts);
    CHECK(guard.saved_state() == true);
  }
  CHECK_FALSE(lock.is_locked());
  CHECK(FakeCpu::interrupts);
}

TEST_CASE("A guard restores the interrupt flag rather than enabling it", "[sched][spinlock]") {
  FakeCpu::reset();
  FakeCpu::interrupts = false;  // e.g. inside an interrupt handler
  Lock lock("test");
  { Guard guard(lock); }
  CHECK_FALSE(FakeCpu::interrupts);
}

TEST_CASE("Nested guards restore interrupts only when the outer one ends", "[sched][spinlock]") {
  FakeCpu::reset();
  Lock outer("outer"), inner("inner");
  {
    Guard a(outer);
    {
      Guard b(inner);
      CHECK(b.saved_state() == false);
    }
    CHECK_FALSE(FakeCpu::interrupts);  // inner guard restored "off"
    CHECK(outer.is_locked());
  }
  CHECK(FakeCpu::interrupts);
}

// Misuse throws from the fake lock_error; the lock is then left as it was. The analysis
// would reject these at compile time: that is the point, so it is off for them.
void take_twice(Lock& lock) NO_THREAD_SAFETY_ANALYSIS {
  lock.lock();
  lock.lock();
}

// These cases play several CPUs (FakeCpu::id) and break the lock rules on purpose, which
// the compile-time analysis cannot model and would reject: it is off for them.
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wthread-safety-analysis"

TEST_CASE("A spinlock records the CPU that holds it", "[sched][spinlock]") {
  FakeCpu::reset();
  Lock lock("the-lock");
  CHECK(lock.owner() == Lock::kNoOwner);
  FakeCpu::id = 3;
  lock.lock();
  CHECK(lock.owner() == 3);
  CHECK(lock.held_by_this_cpu());
  FakeCpu::id = 1;
  CHECK_FALSE(lock.held_by_this_cpu());
  FakeCpu::id = 3;
  lock.unlock();
  CHECK(lock.owner() == Lock::kNoOwner);
  CHECK_FALSE(lock.is_locked());
}

TEST_CASE("Taking a spinlock again on the CPU that holds it is reported at once",
          "[sched][spinlock]") {
  FakeCpu::reset();
  Lock lock("the-lock");
  CHECK_THROWS(take_twice(lock));
  CHECK(FakeCpu::error == "the-lock recursion owner=0 in take_twice");
  CHECK(FakeCpu::relaxes == 0);  // no spinning first
  CHECK_FALSE(lock.try_lock());  // try_lock never reports: it just fails
  lock.unlock();
  CHECK(lock.try_lock());
}

TEST_CASE("A spinlock another CPU holds for longer than the bound is reported",
          "[sched][spinlock]") {
  FakeCpu::reset();
  Lock lock("the-lock");
  FakeCpu::id = 1;
  REQUIRE(lock.try_lock());
  FakeCpu::id = 0;
  CHECK_THROWS(lock.lock());  // the waiter's ticket stays taken: the lock is not reused
  CHECK(FakeCpu::error.rfind("the-lock never-released owner=1 in ", 0) == 0);
  // The clock advances 1 us per spin: reported within one clock read after the bound.
  u64 waited_us = Lock::kMaxWaitNs / 1000;
  CHECK(FakeCpu::relaxes > waited_us);
  CHECK(FakeCpu::relaxes <= waited_us + 2 * Lock::kSpinsPerClockRead);
}

TEST_CASE("A ticket lock serves waiters in the order they came", "[sched][spinlock]") {
  FakeCpu::reset();
  Lock lock("the-lock");
  lock.lock();
  CHECK(lock.waiters() == 0);
  CHECK_FALSE(lock.try_lock());  // held: a try never queues
  CHECK(lock.waiters() == 0);
  lock.unlock();
  CHECK_FALSE(lock.is_locked());
  CHECK(lock.try_lock());
  CHECK(lock.owner() == 0);
  lock.unlock();
}

TEST_CASE("Taking a lock of a lower or equal rank than one held breaks the order",
          "[sched][spinlock]") {
  FakeCpu::reset();
  FakeCpu::check_order = true;
  Lock low("low", 10), high("high", 20), other_high("other-high", 20);
  high.lock();
#if EMBER_DEBUG_ASSERTS
  CHECK_THROWS(low.lock());
  CHECK(FakeCpu::error.rfind("low order owner=none in ", 0) == 0);
  CHECK(FakeCpu::error.find(" holding high") != std::string::npos);
  CHECK_THROWS(other_high.lock());  // the same rank: two of them could deadlock too
  CHECK(FakeCpu::error.find(" holding high") != std::string::npos);
#endif
  high.unlock();
  low.lock();  // the right order: low, then high
  high.lock();
  CHECK(FakeCpu::order.depth() == (EMBER_DEBUG_ASSERTS ? 2u : 0u));
  high.unlock();
  low.unlock();
  CHECK(FakeCpu::order.depth() == 0);
}

TEST_CASE("Releasing a spinlock this CPU does not hold is reported", "[sched][spinlock]") {
  FakeCpu::reset();
  Lock lock("the-lock");
  CHECK_THROWS(lock.unlock());
  CHECK(FakeCpu::error.rfind("the-lock not-held owner=none in ", 0) == 0);
  FakeCpu::id = 2;
  lock.lock();
  FakeCpu::id = 0;
  CHECK_THROWS(lock.unlock());
  CHECK(FakeCpu::error.rfind("the-lock not-held owner=2 in ", 0) == 0);
  CHECK(lock.is_locked());  // nothing changed
}

#pragma clang diagnostic pop

void needs_lock(const Lock& lock) NO_THREAD_SAFETY_ANALYSIS { lock.assert_held(); }

TEST_CASE("assert_held names the function that runs without the lock", "[sched][spinlock]") {
  FakeCpu::reset();
  Lock lock("the-lock");
#if EMBER_DEBUG_ASSERTS
  CHECK_THROWS(needs_lock(lock));
  CHECK(FakeCpu::error == "the-lock not-held owner=none in needs_lock");
#endif
  {
    Guard guard(lock);
    CHECK_NOTHROW(needs_lock(lock));
  }
}

TEST_CASE("Spinlocks and guards cannot be copied", "[sched][spinlock]") {
  STATIC_REQUIRE_FALSE(std::is_copy_constructible_v<Lock>);
  STATIC_REQUIRE_FALSE(std::is_copy_assignable_v<Lock>);
  STATIC_REQUIRE_FALSE(std::is_copy_constructible_v<Guard>);
  STATIC_REQUIRE_FALSE(std::is_move_constructible_v<Guard>);
  STATIC_REQUIRE_FALSE(std::is_copy_assignable_v<Guard>);
}
