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
  static inline std::string deadlocked;

  static IrqState irq_save_disable() {
    bool was = interrupts;
    interrupts = false;
    return was;
  }
  static void irq_restore(IrqState s) { interrupts = s; }
  static void relax() { ++relaxes; }
  [[noreturn]] static void deadlock(const char* name) {
    deadlocked = name;
    throw std::runtime_error("deadlock");
  }
  static void reset() {
    interrupts = true;
    relaxes = 0;
    deadlocked.clear();
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

TEST_CASE("Taking a held spinlock on one CPU is reported as a deadlock", "[sched][spinlock]") {
  FakeCpu::reset();
  Lock lock("the-lock");
  REQUIRE(lock.try_lock());
  CHECK_FALSE(lock.try_lock());
  CHECK_THROWS(lock.lock());
  CHECK(FakeCpu::deadlocked == "the-lock");
  CHECK(u64(FakeCpu::relaxes) == Lock::kSpinLimit);
  lock.unlock();
  CHECK(lock.try_lock());
}

TEST_CASE("Spinlocks and guards cannot be copied", "[sched][spinlock]") {
  STATIC_REQUIRE_FALSE(std::is_copy_constructible_v<Lock>);
  STATIC_REQUIRE_FALSE(std::is_copy_assignable_v<Lock>);
  STATIC_REQUIRE_FALSE(std::is_copy_constructible_v<Guard>);
  STATIC_REQUIRE_FALSE(std::is_move_constructible_v<Guard>);
  STATIC_REQUIRE_FALSE(std::is_copy_assignable_v<Guard>);
}
