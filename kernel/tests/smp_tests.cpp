// In-kernel tests that need several CPUs (docs/smp.md): a spinlock-guarded counter bumped from
// every CPU, call-function IPIs between every pair, a TLB shootdown seen by every CPU, a
// wake-up storm, a thread moved from CPU to CPU, and (KTEST_MANUAL) a panic on an AP. With one
// CPU online they check what they can (the counter, the remap) and say what they skipped.
// They check orderings and exact counts, never how long anything took: QEMU's vCPUs stall.
#include "boot.hpp"
#include "cpu/ipi.hpp"
#include "cpu/percpu.hpp"
#include "cpu/tlb.hpp"
#include "ktest.hpp"
#include "log.hpp"
#include "memory/layout.hpp"
#include "memory/pmm.hpp"
#include "memory/vm.hpp"
#include "panic.hpp"
#include "sched/scheduler.hpp"
#include "sched/wait_queue.hpp"
#include "sync/lock_ranks.hpp"
#include "sync/spinlock.hpp"

namespace kernel {

namespace {

// The online CPUs' indices, in order.
struct OnlineCpus {
  u32 index[kMaxCpus];
  u32 count = 0;

  static OnlineCpus take() {
    OnlineCpus s;
    for (u32 i = 0; i < cpu_count(); ++i)
      if (cpu_at(i).state.load() == CpuState::Online) s.index[s.count++] = i;
    return s;
  }
};

// Starts one thread per online CPU, pinned there, running entry(arg); joins them all.
bool run_on_every_cpu(ktest::Context& t, libk::StringView name, Thread::Entry entry, void* arg) {
  OnlineCpus cpus = OnlineCpus::take();
  Thread* threads[kMaxCpus] = {};
  bool ok = true;
  for (u32 i = 0; i < cpus.count; ++i) {
    auto r = thread::create(name, entry, arg, {.cpu = cpus.index[i]});
    ok = t.check(r.ok(), "thread::create succeeded", __FILE__, __LINE__) && ok;
    if (r.ok()) threads[i] = r.value();
  }
  for (u32 i = 0; i < cpus.count; ++i)
    if (threads[i]) thread::join(*threads[i]);
  return ok;
}

// --- A shared counter: every CPU x 100k increments under one spinlock ------------------

constexpr u64 kIncrements = 100'000;

struct SharedCounter {
  SpinLock lock{"test counter", lock_rank::kLeaf};
  u64 value GUARDED_BY(lock) = 0;
  // Threads that found themselves on a CPU other than the one they were pinned to.
  libk::Atomic<u32> misplaced{0};
  libk::Atomic<u32> cpus_seen{0};  // bit i: a thread ran on CPU i
};

// The read and the write are apart, so another CPU's increment in between would be lost
// without the lock.
void increment_on_this_cpu(void* arg) {
  auto* c = static_cast<SharedCounter*>(arg);
  u32 cpu = this_cpu_index();
  if (thread::current().affinity() != cpu) c->misplaced.fetch_add(1);
  c->cpus_seen.fetch_or(u32{1} << cpu);
  for (u64 i = 0; i < kIncrements; ++i) {
    SpinLockGuard guard(c->lock);
    u64 v = c->value;
    for (volatile int k = 0; k < 4; k = k + 1) {
    }
    c->value = v + 1;
  }
}

constinit SharedCounter shared_counter;

}  // namespace

KTEST("smp.spinlock.counter_from_every_cpu_is_exact") {
  OnlineCpus cpus = OnlineCpus::take();
  SharedCounter& c = shared_counter;
  {
    SpinLockGuard guard(c.lock);
    c.value = 0;
  }
  c.misplaced.store(0);
  c.cpus_seen.store(0);
  if (!run_on_every_cpu(t, "counter", increment_on_this_cpu, &c)) return;
  SpinLockGuard guard(c.lock);
  KEXPECT_EQ(c.value, u64(cpus.count) * kIncrements);
  KEXPECT_EQ(c.misplaced.load(), u32{0});
  u32 expected_seen = 0;
  for (u32 i = 0; i < cpus.count; ++i) expected_seen |= u32{1} << cpus.index[i];
  KEXPECT_EQ(c.cpus_seen.load(), expected_seen);
}

// --- Call-function IPIs between every ordered pair -----------------------------------

namespace {

constexpr u32 kRoundTrips = 50;

struct PairRecord {
  libk::Atomic<u32> ran_on{~0u};  // the CPU the last call ran on
  libk::Atomic<u32> calls{0};
};

constinit PairRecord pair_record;

void note_cpu(void* arg) {
  auto* r = static_cast<PairRecord*>(arg);
  r->ran_on.store(this_cpu_index());
  r->calls.fetch_add(1);
}

struct PingPlan {
  u32 target;
  u32 wrong_cpu;  // calls that ran elsewhere than on the target
  u32 missed;     // calls that returned without having run
};

// Runs on the sending CPU (pinned there): kRoundTrips synchronous calls to the target.
void ping_target(void* arg) {
  auto* plan = static_cast<PingPlan*>(arg);
  for (u32 i = 0; i < kRoundTrips; ++i) {
    u32 before = pair_record.calls.load();
    pair_record.ran_on.store(~0u);
    ipi::call_on(u64{1} << plan->target, note_cpu, &pair_record);
    if (pair_record.calls.load() != before + 1) ++plan->missed;
    if (pair_record.ran_on.load() != plan->target) ++plan->wrong_cpu;
  }
}

}  // namespace

KTEST("smp.ipi.call_function_between_every_pair") {
  OnlineCpus cpus = OnlineCpus::take();
  if (cpus.count < 2) return log::info("smp: one CPU online; no pairs to test");
  u64 received_before[kMaxCpus];
  for (u32 i = 0; i < cpus.count; ++i)
    received_before[i] = cpu_at(cpus.index[i]).ipis_received.load();
  u32 pairs = 0;
  for (u32 from = 0; from < cpus.count; ++from) {
    for (u32 to = 0; to < cpus.count; ++to) {
      if (from == to) continue;
      PingPlan plan{cpus.index[to], 0, 0};
      auto r = thread::create("ping", ping_target, &plan, {.cpu = cpus.index[from]});
      if (!KEXPECT(r.ok())) return;
      thread::join(*r.value());
      KEXPECT_EQ(plan.missed, u32{0});
      KEXPECT_EQ(plan.wrong_cpu, u32{0});
      ++pairs;
    }
  }
  // Every CPU received at least the calls of the pairs it was the target of.
  for (u32 i = 0; i < cpus.count; ++i)
    KEXPECT(cpu_at(cpus.index[i]).ipis_received.load() - received_before[i] >=
            u64(cpus.count - 1) * kRoundTrips);
  log::info("smp: {} ordered pairs x {} call-function round trips", pairs, kRoundTrips);
}

// --- TLB shootdown: a remap on one CPU is seen by every other --------------------------

namespace {

// Scratch addresses near the top of the MMIO area (memory_vm_tests.cpp uses the page at
// -64 MiB; this one at -63 MiB).
constexpr u64 kScratch = layout::kMmioAreaBase + layout::kAreaSize - 63 * libk::MiB;

struct SeenValues {
  libk::Atomic<u64> value[kMaxCpus];
};
constinit SeenValues seen;

void read_scratch(void*) {
  seen.value[this_cpu_index()].store(*reinterpret_cast<volatile u64*>(kScratch));
}

}  // namespace

// Every CPU reads the page (so its TLB holds the translation), CPU 0 remaps it to another
// frame, every CPU reads again: a CPU that missed the shootdown still reads the old frame
// (QEMU's TLB keeps translations until INVLPG or a CR3 write, as hardware may).
KTEST("smp.tlb.remap_is_seen_by_every_cpu") {
  auto a = pmm::allocate(0, pmm::Owner::Test), b = pmm::allocate(0, pmm::Owner::Test);
  if (!KEXPECT(a && b)) return;
  *boot_info::physical_to_virtual<volatile u64>(*a) = 0xaaaa;
  *boot_info::physical_to_virtual<volatile u64>(*b) = 0xbbbb;
  OnlineCpus cpus = OnlineCpus::take();
  KEXPECT(vm::map(kScratch, *a, libk::kPageSize, {.writable = true}).ok());
  read_scratch(nullptr);
  ipi::call_on(ipi::others_online(), read_scratch, nullptr);
  for (u32 i = 0; i < cpus.count; ++i) KEXPECT_EQ(seen.value[cpus.index[i]].load(), u64{0xaaaa});
  tlb::Stats before = tlb::stats();
  KEXPECT(vm::unmap(kScratch, libk::kPageSize).ok());
  KEXPECT(vm::map(kScratch, *b, libk::kPageSize, {.writable = true}).ok());
  read_scratch(nullptr);
  ipi::call_on(ipi::others_online(), read_scratch, nullptr);
  for (u32 i = 0; i < cpus.count; ++i) KEXPECT_EQ(seen.value[cpus.index[i]].load(), u64{0xbbbb});
  if (cpus.count > 1) KEXPECT(tlb::stats().shootdowns > before.shootdowns);
  KEXPECT(vm::unmap(kScratch, libk::kPageSize).ok());
  pmm::free(*a, 0);
  pmm::free(*b, 0);
}

// --- A wake-up storm --------------------------------------------------------------------

namespace {

constexpr u32 kSleepers = 64;

struct Storm {
  WaitQueue queue;
  libk::Atomic<bool> go{false};
  libk::Atomic<u32> waiting{0};
  libk::Atomic<u32> woken{0};
  libk::Atomic<u32> ran_on[kMaxCpus];
};
constinit Storm storm;

void wait_for_storm(void*) {
  storm.waiting.fetch_add(1);
  storm.queue.wait_until([] { return storm.go.load(); });
  storm.woken.fetch_add(1);
  storm.ran_on[this_cpu_index()].fetch_add(1);
}

}  // namespace

// kSleepers threads (any CPU) block on one queue; one wake_all releases them all: each wakes
// exactly once and runs to its end, wherever the scheduler puts it.
KTEST("smp.sched.wake_storm_wakes_everyone_once") {
  storm.go.store(false);
  storm.waiting.store(0);
  storm.woken.store(0);
  for (auto& n : storm.ran_on) n.store(0);
  Thread* threads[kSleepers] = {};
  for (u32 i = 0; i < kSleepers; ++i) {
    auto r = thread::create("sleeper", wait_for_storm, nullptr);
    if (!KEXPECT(r.ok())) return;
    threads[i] = r.value();
  }
  while (storm.waiting.load() != kSleepers) thread::yield();
  KEXPECT_EQ(storm.woken.load(), u32{0});  // nobody ran past the wait before the storm
  u64 wakeups = Scheduler::stats().wakeups;
  storm.go.store(true);
  storm.queue.wake_all();
  for (Thread* th : threads) thread::join(*th);
  KEXPECT_EQ(storm.woken.load(), kSleepers);
  u32 total = 0, cpus_used = 0;
  for (auto& n : storm.ran_on) {
    total += n.load();
    cpus_used += n.load() != 0;
  }
  KEXPECT_EQ(total, kSleepers);
  // Each sleeper was woken once (some may have found `go` set before blocking again).
  KEXPECT(Scheduler::stats().wakeups - wakeups >= 1);
  log::info("smp: {} sleepers woken at once ran to their end on {} CPUs", kSleepers, cpus_used);
}

// --- Migration under load ---------------------------------------------------------------

namespace {

constexpr u32 kMoves = 40;

struct Mover {
  u32 arrived_wrong = 0;  // moves after which the thread ran elsewhere
  u32 moves = 0;
};

struct Load {
  libk::Atomic<bool> stop{false};
};
constinit Load load;

void spin_until_stopped(void*) {
  while (!load.stop.load()) thread::yield();
}

// Pins itself to each online CPU in turn: after set_affinity and a yield it must be there.
void move_around(void* arg) {
  auto* m = static_cast<Mover*>(arg);
  OnlineCpus cpus = OnlineCpus::take();
  for (u32 i = 0; i < kMoves; ++i) {
    u32 target = cpus.index[i % cpus.count];
    if (!thread::set_affinity(thread::current(), target)) continue;
    thread::yield();
    ++m->moves;
    if (this_cpu_index() != target) ++m->arrived_wrong;
  }
  thread::set_affinity(thread::current(), sched::kAnyCpu);
}

}  // namespace

KTEST("smp.sched.migration_under_load_lands_on_the_pinned_cpu") {
  OnlineCpus cpus = OnlineCpus::take();
  load.stop.store(false);
  Thread* busy[kMaxCpus] = {};
  for (u32 i = 0; i < cpus.count; ++i) {  // one yielding spinner per CPU
    auto r = thread::create("load", spin_until_stopped, nullptr, {.cpu = cpus.index[i]});
    if (!KEXPECT(r.ok())) return;
    busy[i] = r.value();
  }
  Mover m;
  auto r = thread::create("mover", move_around, &m);
  if (KEXPECT(r.ok())) thread::join(*r.value());
  load.stop.store(true);
  for (u32 i = 0; i < cpus.count; ++i) thread::join(*busy[i]);
  KEXPECT_EQ(m.moves, kMoves);
  KEXPECT_EQ(m.arrived_wrong, u32{0});
}

// --- A panic on an AP stops every other CPU (one boot: tests/qemu/smp_tests.py) -----------

namespace {

void panic_here(void*) { PANIC("deliberate panic on CPU {}", this_cpu_index()); }

}  // namespace

KTEST_MANUAL("crash.panic_on_ap") {
  OnlineCpus cpus = OnlineCpus::take();
  if (!KEXPECT(cpus.count >= 2)) return;
  // CPU 0 waits in call_on with interrupts off; the panic's NMI stops it there.
  log::info("smp: CPU {} asks CPU {} to panic", this_cpu_index(), cpus.index[cpus.count - 1]);
  ipi::call_on(u64{1} << cpus.index[cpus.count - 1], panic_here, nullptr);
  log::error("smp: call_on returned: CPU {} did not panic", cpus.index[cpus.count - 1]);
  KEXPECT(false);
}

}  // namespace kernel
