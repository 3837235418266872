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
  static inline int relaxes = 0;
  static inline u32 id = 0;         // the CPU the test code runs on
  static inline std::string error;  // "<lock> <error> owner=<cpu> in <function>"

  static IrqState irq_save_disable() {
    bool was = interrupts;
    interrupts = false;
    return was;
  }
  static void irq_restore(IrqState s) { interrupts = s; }
  static void relax() { ++relaxes; }
  static u32 cpu_id() { return id; }
  [[noreturn]] static void lock_error(const char* name, sched::LockError e, u32 owner,
                                      const char* function) {
    static constexpr const char* kNames[] = {"recursion", "never-released", "not-held"};
    error = std::string(name) + " " + kNames[int(e)] +
            " owner=" + (owner == ~0u ? std::string("none") : std::to_string(owner)) + " in " +
            function;
    throw std::runtime_error(error);
  }
  static void reset() {
    interrupts = true;
    relaxes = 0;
    id = 0;
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

TEST_CASE("A spinlock another CPU never releases is reported after the spin limit",
          "[sched][spinlock]") {
  FakeCpu::reset();
  Lock lock("the-lock");
  FakeCpu::id = 1;
  REQUIRE(lock.try_lock());
  FakeCpu::id = 0;
  CHECK_THROWS(lock.lock());
  CHECK(FakeCpu::error.rfind("the-lock never-released owner=1 in ", 0) == 0);
  CHECK(u64(FakeCpu::relaxes) == Lock::kSpinLimit);
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
