// In-kernel tests of the synchronization primitives: mutex (exclusion, ownership, hand-off
// order), condition variable (producer/consumer), semaphore, wait queues woken from an
// interrupt, and spinlock guards and the interrupt flag.
#include <hal/cpu.hpp>

#include "ktest.hpp"
#include "log.hpp"
#include "sched/scheduler.hpp"
#include "sched/wait_queue.hpp"
#include "sync/condition_variable.hpp"
#include "sync/mutex.hpp"
#include "sync/semaphore.hpp"
#include "tests/settle.hpp"
#include "time.hpp"
#include "timers.hpp"

namespace kernel {

namespace {

// Runs the thread on this CPU (test_support::here): these tests check one CPU's decisions.
// spawn_anywhere lets it run on any CPU.
Thread* spawn_anywhere(ktest::Context& t, libk::StringView name, Thread::Entry entry, void* arg,
                       const ThreadOptions& options = {}) {
  auto r = thread::create(name, entry, arg, options);
  if (!t.check(r.ok(), "thread::create succeeded", __FILE__, __LINE__)) return nullptr;
  return r.value();
}

Thread* spawn(ktest::Context& t, libk::StringView name, Thread::Entry entry, void* arg,
              const ThreadOptions& options = {}) {
  auto r = thread::create(name, entry, arg, test_support::here(options));
  if (!t.check(r.ok(), "thread::create succeeded", __FILE__, __LINE__)) return nullptr;
  return r.value();
}

// --- Mutex: N threads x 100k increments ------------------------------------------------

constexpr usize kCounterThreads = 4;
constexpr u64 kIncrements = 100'000;

struct Counter {
  Mutex mutex{"counter"};
  volatile u64 value = 0;
};

// A read-modify-write stretched over a few instructions, so that a preemption inside the
// critical section (or, on several CPUs, another CPU's increment) is likely: without the
// mutex, increments would get lost. The stretch is a plain loop: `pause` is costly under
// QEMU's multi-threaded TCG (each one leaves the translated code), which would make the
// critical section dominate the test.
void increment_many(void* arg) {
  auto* c = static_cast<Counter*>(arg);
  for (u64 i = 0; i < kIncrements; ++i) {
    MutexLocker locker(c->mutex);
    u64 v = c->value;
    for (volatile int k = 0; k < 8; k = k + 1) {
    }
    c->value = v + 1;
  }
}

}  // namespace

KTEST("sync.mutex.counter_is_exact_under_preemption") {
  Counter counter;
  Thread* threads[kCounterThreads] = {};
  for (Thread*& th : threads) th = spawn_anywhere(t, "incrementer", increment_many, &counter);
  for (Thread* th : threads)
    if (th) thread::join(*th);
  KEXPECT_EQ(u64(counter.value), kCounterThreads * kIncrements);
  log::info("sync: {} x {} increments, {} lock calls had to wait", kCounterThreads, kIncrements,
            counter.mutex.contended_locks());
  KEXPECT(counter.mutex.contended_locks() > 0);  // the mutex really was contended
  KEXPECT(counter.mutex.owner() == nullptr);
}

namespace {

struct Ownership {
  Mutex mutex{"ownership"};
  bool other_got_it = true;
};

void try_from_other_thread(void* arg) {
  auto* o = static_cast<Ownership*>(arg);
  o->other_got_it = false;
  if (o->mutex.try_lock()) {
    o->other_got_it = true;
    o->mutex.unlock();
  }
}

}  // namespace

KTEST("sync.mutex.tracks_its_owner") {
  Ownership o;
  KEXPECT(o.mutex.owner() == nullptr);
  o.mutex.lock();
  KEXPECT(o.mutex.owner() == &thread::current());
  KEXPECT(o.mutex.held_by_current());
  if (Thread* th = spawn(t, "try-lock", try_from_other_thread, &o)) thread::join(*th);
  KEXPECT(!o.other_got_it);
  o.mutex.unlock();
  KEXPECT(o.mutex.owner() == nullptr);
  if (o.mutex.try_lock())
    o.mutex.unlock();
  else
    KEXPECT(!"try_lock failed on a free mutex");
}

namespace {

struct HandOff {
  Mutex mutex{"hand-off"};
  char order[8] = {};
  usize n = 0;
};
HandOff* hand_off = nullptr;

void take_and_log(void* arg) {
  MutexLocker locker(hand_off->mutex);
  hand_off->order[hand_off->n++] = *static_cast<const char*>(arg);
}

}  // namespace

KTEST("sync.mutex.hands_off_by_priority_then_arrival") {
  HandOff h;
  hand_off = &h;
  static const char names[] = "abcd";
  h.mutex.lock();
  // Higher than main: each runs at once and blocks on the mutex, in this order (and a host
  // stall cannot end its slice before it blocks and let the next one queue first).
  Thread* a =
      spawn(t, "a", take_and_log, const_cast<char*>(&names[0]), test_support::keeps_the_cpu(20));
  Thread* b =
      spawn(t, "b", take_and_log, const_cast<char*>(&names[1]), test_support::keeps_the_cpu(20));
  Thread* c =
      spawn(t, "c", take_and_log, const_cast<char*>(&names[2]), test_support::keeps_the_cpu(24));
  Thread* d =
      spawn(t, "d", take_and_log, const_cast<char*>(&names[3]), test_support::keeps_the_cpu(20));
  KEXPECT(a && a->state() == sched::ThreadState::Blocked);
  h.mutex.unlock();
  Thread* all[] = {a, b, c, d};
  for (Thread* th : all)
    if (th) thread::join(*th);
  KEXPECT(libk::StringView(h.order) == "cabd");
}

// --- Condition variable: producer/consumer with a checksum --------------------------------

namespace {

constexpr usize kSlots = 8;
constexpr u64 kItemsPerProducer = 20'000;
constexpr usize kProducers = 2;
constexpr usize kConsumers = 2;

struct Channel {
  Mutex mutex{"channel"};
  ConditionVariable not_empty, not_full;
  u64 slots[kSlots] = {};
  usize head = 0, count = 0;
  u64 producers_done = 0;
  u64 consumed_sum[kConsumers] = {};
  u64 consumed_count[kConsumers] = {};
};

struct Role {
  Channel* channel;
  u64 index;
};

void produce(void* arg) {
  auto* role = static_cast<Role*>(arg);
  Channel& ch = *role->channel;
  for (u64 i = 1; i <= kItemsPerProducer; ++i) {
    u64 item = role->index * 1'000'000 + i;
    MutexLocker locker(ch.mutex);
    while (ch.count == kSlots) ch.not_full.wait(ch.mutex);
    ch.slots[(ch.head + ch.count) % kSlots] = item;
    ++ch.count;
    ch.not_empty.signal();
  }
  MutexLocker locker(ch.mutex);
  ++ch.producers_done;
  ch.not_empty.broadcast();  // consumers waiting for more must see the end
}

void consume(void* arg) {
  auto* role = static_cast<Role*>(arg);
  Channel& ch = *role->channel;
  for (;;) {
    MutexLocker locker(ch.mutex);
    while (ch.count == 0 && ch.producers_done < kProducers) ch.not_empty.wait(ch.mutex);
    if (ch.count == 0) return;
    u64 item = ch.slots[ch.head];
    ch.head = (ch.head + 1) % kSlots;
    --ch.count;
    ch.not_full.signal();
    ch.consumed_sum[role->index] += item;
    ++ch.consumed_count[role->index];
  }
}

}  // namespace

KTEST("sync.condvar.producer_consumer_checksum") {
  Channel ch;
  Role roles[kProducers + kConsumers];
  Thread* threads[kProducers + kConsumers] = {};
  for (usize i = 0; i < kConsumers; ++i) {
    roles[i] = {&ch, i};
    threads[i] = spawn(t, "consumer", consume, &roles[i]);
  }
  for (usize i = 0; i < kProducers; ++i) {
    roles[kConsumers + i] = {&ch, i + 1};
    threads[kConsumers + i] = spawn(t, "producer", produce, &roles[kConsumers + i]);
  }
  for (Thread* th : threads)
    if (th) thread::join(*th);
  u64 expected_sum = 0;
  for (u64 p = 1; p <= kProducers; ++p)
    expected_sum +=
        p * 1'000'000 * kItemsPerProducer + kItemsPerProducer * (kItemsPerProducer + 1) / 2;
  u64 sum = 0, count = 0;
  for (usize i = 0; i < kConsumers; ++i) {
    sum += ch.consumed_sum[i];
    count += ch.consumed_count[i];
  }
  KEXPECT_EQ(count, kProducers * kItemsPerProducer);
  KEXPECT_EQ(sum, expected_sum);
  KEXPECT_EQ(ch.count, usize(0));
}

// --- Semaphore -------------------------------------------------------------------------

namespace {

struct SemaphoreTest {
  Semaphore ready{"ready", 0};
  Semaphore done{"done", 0};
  volatile u64 stage = 0;
};

void wait_then_signal(void* arg) {
  auto* s = static_cast<SemaphoreTest*>(arg);
  s->ready.down();
  s->stage = 2;
  s->done.up();
}

}  // namespace

KTEST("sync.semaphore.blocks_until_up") {
  SemaphoreTest s;
  Thread* th = spawn(t, "sem-waiter", wait_then_signal, &s,
                     test_support::keeps_the_cpu(sched::kDefaultPriority + 1));
  if (!th) return;
  KEXPECT(th->state() == sched::ThreadState::Blocked);  // ran at once, found no unit
  s.stage = 1;
  s.ready.up();  // hands the unit over; the waiter (higher priority) runs right away
  KEXPECT_EQ(u64(s.stage), u64(2));
  s.done.down();
  KEXPECT(!s.done.try_down());
  thread::join(*th);
  Semaphore counted{"counted", 3};
  KEXPECT(counted.try_down() && counted.try_down() && counted.try_down());
  KEXPECT(!counted.try_down());
}

// --- Wait queue woken from an interrupt handler ------------------------------------------

namespace {

struct TimerWake {
  WaitQueue queue;
  volatile bool fired = false;
  u64 fired_at = 0;
};

void wake_from_timer(libk::Timer&, void* arg) {
  auto* w = static_cast<TimerWake*>(arg);
  w->fired = true;
  w->fired_at = time::now_ns();
  w->queue.wake_all();  // interrupt context: the switch happens at the interrupt exit
}

}  // namespace

// The waiter runs straight after the interrupt that woke it (a wake preemption of the idle
// thread), not at some later scheduling point.
KTEST("sync.wait_queue.woken_from_an_interrupt_handler") {
  log::wait_screen_drawn();  // the log writer has nothing to do: only the waiter wakes
  TimerWake w;
  libk::Timer timer;
  u64 direct_before = Scheduler::stats().wake_preemptions;
  bool armed = false;
  w.queue.wait_until([&] {
    // Armed from the condition, which runs with interrupts off until this thread blocks: the
    // timer cannot fire before the wait begins, however long the host stalls QEMU.
    if (!armed) timers::arm(timer, time::now_ns() + 2 * time::kNsPerMs, wake_from_timer, &w);
    armed = true;
    return w.fired;
  });
  u64 latency = time::now_ns() - w.fired_at;
  // Read before logging: the log wakes its writer thread, another wake preemption.
  u64 direct = Scheduler::stats().wake_preemptions - direct_before;
  log::info("sync: woken from a timer interrupt, running {} us later", latency / 1000);
  KEXPECT(w.fired);
  KEXPECT(!w.queue.has_waiters());
  KEXPECT_EQ(direct, u64(1));
}

// --- Spinlock guards and the interrupt flag ----------------------------------------------

KTEST("sync.spinlock.guard_saves_and_restores_interrupts") {
  SpinLock outer{"outer"}, inner{"inner"};
  KEXPECT(hal::cpu::interrupts_enabled());
  {
    SpinLockGuard a(outer);
    KEXPECT(!hal::cpu::interrupts_enabled());
    KEXPECT(outer.is_locked());
    {
      SpinLockGuard b(inner);
      KEXPECT(!hal::cpu::interrupts_enabled());
    }
    KEXPECT(!hal::cpu::interrupts_enabled());  // the inner guard restored "disabled"
    KEXPECT(!inner.is_locked());
  }
  KEXPECT(hal::cpu::interrupts_enabled());
  KEXPECT(!outer.is_locked());
}

}  // namespace kernel
