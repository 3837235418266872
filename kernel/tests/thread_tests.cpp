// In-kernel tests of threads and the scheduler: creation, exit and join, identity and
// accounting, priorities, preemption, sleeping, and freeing everything afterwards.
#include "../ktest.hpp"
#include "../memory/stacks.hpp"
#include "../sched/scheduler.hpp"
#include "../sync/semaphore.hpp"
#include "../time.hpp"

namespace kernel {

namespace {

using time::kNsPerMs;

Thread* spawn(ktest::Context& t, libk::StringView name, Thread::Entry entry, void* arg,
              const ThreadOptions& options = {}) {
  auto r = thread::create(name, entry, arg, options);
  if (!t.check(r.ok(), "thread::create succeeded", __FILE__, __LINE__)) return nullptr;
  return r.value();
}

struct Probe {
  u64 value = 0;
  ThreadId seen_id = 0;
  sched::ThreadState seen_state = sched::ThreadState::Created;
  volatile bool ran = false;
};

void record(void* arg) {
  auto* p = static_cast<Probe*>(arg);
  p->value = 0x5eed;
  p->seen_id = thread::current().id();
  p->seen_state = thread::current().state();
  p->ran = true;
}

void exit_with_42(void* arg) {
  thread::exit(42);
  static_cast<Probe*>(arg)->ran = true;  // never reached
}

}  // namespace

KTEST("thread.create.runs_entry_with_argument") {
  Probe probe;
  Thread* th = spawn(t, "probe", record, &probe);
  if (!th) return;
  ThreadId id = th->id();
  KEXPECT_EQ(thread::join(*th), i64(0));
  KEXPECT(probe.ran);
  KEXPECT_EQ(probe.value, u64(0x5eed));
  KEXPECT_EQ(probe.seen_id, id);
  KEXPECT(probe.seen_state == sched::ThreadState::Running);
}

KTEST("thread.exit.status_reaches_join") {
  Probe probe;
  Thread* th = spawn(t, "exit42", exit_with_42, &probe);
  if (!th) return;
  KEXPECT_EQ(thread::join(*th), i64(42));
  KEXPECT(!probe.ran);
}

KTEST("thread.identity.ids_names_and_states") {
  Probe a, b;
  ThreadOptions low;
  low.priority = sched::kDefaultPriority - 1;  // does not run until main blocks
  Thread* ta = spawn(t, "first", record, &a, low);
  Thread* tb = spawn(t, "a-thread-name-that-is-far-too-long-to-keep", record, &b, low);
  if (!ta || !tb) return;
  KEXPECT(tb->id() > ta->id());
  KEXPECT(ta->id() != thread::current().id());
  KEXPECT(ta->name() == "first");
  KEXPECT_EQ(tb->name().size(), Thread::kNameCapacity - 1);
  KEXPECT(tb->name().starts_with("a-thread-name"));
  KEXPECT(ta->state() == sched::ThreadState::Ready);
  KEXPECT(!a.ran);
  KEXPECT(thread::current().name() == "main");
  KEXPECT(thread::current().state() == sched::ThreadState::Running);
  thread::join(*ta);
  thread::join(*tb);
  KEXPECT(a.ran && b.ran);
}

KTEST("thread.create.impossible_stack_is_an_error") {
  SchedulerStats before = Scheduler::stats();
  ThreadOptions huge;
  huge.stack_size = 1024 * libk::GiB;  // more than the stack area holds
  Probe probe;
  auto r = thread::create("huge", record, &probe, huge);
  KEXPECT(!r.ok());
  if (!r.ok()) KEXPECT(r.error() == ThreadError::OutOfMemory);
  KEXPECT_EQ(Scheduler::stats().threads_live, before.threads_live);
  KEXPECT(!probe.ran);
}

namespace {

struct Order {
  char log[8] = {};
  usize n = 0;
  void add(char c) { log[n++] = c; }
};
Order* order_log = nullptr;
void log_h(void*) { order_log->add('h'); }
void log_l(void*) { order_log->add('l'); }

}  // namespace

KTEST("sched.priority.higher_priority_runs_first") {
  Order order;
  order_log = &order;
  ThreadOptions high, low;
  high.priority = sched::kDefaultPriority + 4;
  low.priority = sched::kDefaultPriority - 4;
  Thread* l = spawn(t, "low", log_l, nullptr, low);
  Thread* h = spawn(t, "high", log_h, nullptr, high);  // preempts main at once
  order.add('m');
  if (l) thread::join(*l);
  if (h) thread::join(*h);
  KEXPECT(libk::StringView(order.log) == "hml");
}

namespace {

struct Race {
  volatile bool stop = false;
  volatile u64 spins = 0;
  volatile u64 work = 0;
};

void spin_until_stopped(void* arg) {
  auto* r = static_cast<Race*>(arg);
  while (!r->stop) r->spins = r->spins + 1;
}

void bounded_work(void* arg) {
  auto* r = static_cast<Race*>(arg);
  for (u64 i = 0; i < 2'000'000; ++i) r->work = r->work + 1;
}

}  // namespace

// Without preemption the spinner, which runs first, would keep the CPU forever and this
// boot would time out.
KTEST("sched.preemption.spinner_does_not_starve_others") {
  Race race;
  Thread* spinner = spawn(t, "spinner", spin_until_stopped, &race);
  Thread* worker = spawn(t, "worker", bounded_work, &race);
  if (!spinner || !worker) return;
  u64 start = Scheduler::stats().slice_expiries;
  thread::join(*worker);  // main blocks: spinner and worker share the CPU
  KEXPECT_EQ(race.work, u64(2'000'000));
  KEXPECT(race.spins > 0);
  KEXPECT(Scheduler::stats().slice_expiries > start);
  race.stop = true;
  thread::join(*spinner);
}

KTEST("sched.fairness.equal_spinners_get_equal_time") {
  Race race;
  Thread* a = spawn(t, "spin-a", spin_until_stopped, &race);
  Thread* b = spawn(t, "spin-b", spin_until_stopped, &race);
  if (!a || !b) return;
  thread::sleep_for(60 * kNsPerMs);  // main wakes at most a slice late, then stops them
  race.stop = true;
  u64 ta = a->cpu_time_ns(), tb = b->cpu_time_ns();
  thread::join(*a);
  thread::join(*b);
  u64 diff = ta > tb ? ta - tb : tb - ta;
  log::info("sched: two spinners ran {} us and {} us", ta / 1000, tb / 1000);
  KEXPECT(ta + tb >= 40 * kNsPerMs);
  KEXPECT(diff <= 2 * sched::kDefaultSliceNs);
}

namespace {

void spin_for_20ms(void*) {
  u64 end = time::now_ns() + 20 * kNsPerMs;
  while (time::now_ns() < end) {
  }
}

}  // namespace

KTEST("sched.cpu_time.counts_running_time") {
  Thread* th = spawn(t, "busy", spin_for_20ms, nullptr);
  if (!th) return;
  u64 main_before = thread::current().cpu_time_ns();
  Thread& busy = *th;
  while (busy.state() != sched::ThreadState::Exited) thread::sleep_for(5 * kNsPerMs);
  u64 used = busy.cpu_time_ns();
  thread::join(busy);
  KEXPECT(used >= 20 * kNsPerMs);
  KEXPECT(used < 30 * kNsPerMs);
  // main slept meanwhile: it used a small fraction of that.
  KEXPECT(thread::current().cpu_time_ns() - main_before < 10 * kNsPerMs);
}

namespace {

constexpr usize kSleepSamples = 24;

// Sleeps for lengths from 0.3 ms to ~8 ms and returns the worst lateness.
u64 worst_sleep_lateness(ktest::Context& t) {
  u64 worst = 0;
  for (usize i = 0; i < kSleepSamples; ++i) {
    u64 length = 300'000 + i * 331'000;
    u64 deadline = time::now_ns() + length;
    thread::sleep_until(deadline);
    u64 woke = time::now_ns();
    if (!KEXPECT(woke >= deadline)) return ~u64{0};
    u64 late = woke - deadline;
    if (late > worst) worst = late;
  }
  return worst;
}

}  // namespace

KTEST("sched.sleep.wakes_within_1ms_of_deadline") {
  u64 worst = worst_sleep_lateness(t);
  log::info("sched: {} sleeps on an idle CPU, worst wake-up {} us late", kSleepSamples,
            worst / 1000);
  KEXPECT(worst < kNsPerMs);
}

KTEST("sched.sleep.wakes_within_1ms_despite_a_lower_priority_spinner") {
  Race race;
  ThreadOptions low;
  low.priority = sched::kDefaultPriority - 1;
  Thread* spinner = spawn(t, "bg-spinner", spin_until_stopped, &race, low);
  if (!spinner) return;
  u64 worst = worst_sleep_lateness(t);
  race.stop = true;
  thread::join(*spinner);
  log::info("sched: {} sleeps against a spinner, worst wake-up {} us late", kSleepSamples,
            worst / 1000);
  KEXPECT(worst < kNsPerMs);
  KEXPECT(race.spins > 0);
}

}  // namespace kernel
