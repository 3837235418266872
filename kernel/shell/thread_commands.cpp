// `ps`: the kernel's threads, their state, priority and CPU time.
#include "sched/scheduler.hpp"
#include "sched/thread.hpp"
#include "shell/commands.hpp"
#include "time.hpp"

namespace kernel::shell {

namespace {

using libk::format_to;

struct Row {
  ThreadId id;
  char name[Thread::kNameCapacity];
  const char* state;
  u8 priority;
  u64 cpu_ns;
  u64 switches;
};

constexpr usize kMaxRows = 64;

struct Snapshot {
  Row rows[kMaxRows];
  usize count = 0;
  usize missed = 0;
};

// Runs under the scheduler lock: copy, nothing else.
void take_row(const Thread& t, void* context) {
  auto* s = static_cast<Snapshot*>(context);
  if (s->count == kMaxRows) {
    ++s->missed;
    return;
  }
  Row& r = s->rows[s->count++];
  r.id = t.id();
  libk::StringView name = t.name();
  usize n = name.size() < sizeof(r.name) - 1 ? name.size() : sizeof(r.name) - 1;
  for (usize i = 0; i < n; ++i) r.name[i] = name[i];
  r.name[n] = '\0';
  r.state = t.state_name();
  r.priority = t.priority();
  // Charged time only: cpu_time_ns() takes the scheduler lock, which is held here. The
  // running thread (this shell) gets its up-to-date time after the walk.
  r.cpu_ns = t.runtime_ns();
  r.switches = t.switches();
}

void print_row(libk::Sink& out, const Row& r) {
  libk::StringView name(r.name);
  format_to(out, "{:>4}  {}", r.id, name);
  for (usize i = name.size(); i < 16; ++i) out.put(' ');
  format_to(out, "{:<8} {:>4} {:>8}.{:03} {:>10}\n", r.state, r.priority, r.cpu_ns / 1'000'000,
            r.cpu_ns / 1000 % 1000, r.switches);
}

}  // namespace

Status cmd_ps(const Invocation& call) {
  static Snapshot snapshot;  // the shell thread only; too big for its stack
  snapshot.count = snapshot.missed = 0;
  thread::for_each(take_row, &snapshot);
  Thread& self = thread::current();
  for (usize i = 0; i < snapshot.count; ++i)
    if (snapshot.rows[i].id == self.id()) snapshot.rows[i].cpu_ns = self.cpu_time_ns();
  call.out.write("  ID  NAME            STATE    PRIO  CPU (ms)    SWITCHES\n");
  for (usize i = 0; i < snapshot.count; ++i) print_row(call.out, snapshot.rows[i]);
  if (snapshot.missed) format_to(call.out, "({} more threads not shown)\n", snapshot.missed);
  SchedulerStats st = Scheduler::stats();
  format_to(call.out,
            "{} threads; {} context switches, {} slice expiries, {} wake-ups; idle {} ms\n",
            snapshot.count + snapshot.missed, st.switches, st.slice_expiries, st.wakeups,
            st.idle_ns / time::kNsPerMs);
  return Status::Ok;
}

}  // namespace kernel::shell
