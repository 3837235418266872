// `ps`: the user processes (pid, parent, name, state, threads, memory pages), then the
// kernel's threads, their CPU, state, priority and CPU time; `cpus`: the CPUs.
#include "cpu/percpu.hpp"
#include "proc/process.hpp"
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
  u32 cpu;       // where it runs, or last ran
  u32 affinity;  // sched::kAnyCpu, or the one CPU it is pinned to
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
  r.cpu = t.cpu();
  r.affinity = t.affinity();
}

void print_row(libk::Sink& out, const Row& r) {
  libk::StringView name(r.name);
  // "1": last on CPU 1, may run anywhere; "1*": pinned to CPU 1.
  format_to(out, "{:>4} {:>3}{} {}", r.id, r.cpu, r.affinity == sched::kAnyCpu ? ' ' : '*', name);
  for (usize i = name.size(); i < 16; ++i) out.put(' ');
  format_to(out, "{:<8} {:>4} {:>8}.{:03} {:>10}\n", r.state, r.priority, r.cpu_ns / 1'000'000,
            r.cpu_ns / 1000 % 1000, r.switches);
}

struct ProcessRow {
  proc::Pid pid, parent;
  char name[32];
  const char* state;
  u32 threads;
  u64 pages;
};

struct Processes {
  ProcessRow rows[proc::kMaxProcesses];
  usize count = 0;
};

// Under the process table's lock: copy, nothing else.
void take_process(const proc::ProcessInfo& p, void* context) {
  auto* s = static_cast<Processes*>(context);
  if (s->count == proc::kMaxProcesses) return;
  ProcessRow& r = s->rows[s->count++];
  r = {p.pid, p.parent, {}, p.state, p.threads, p.pages};
  libk::format_into(r.name, sizeof(r.name), "{}", p.name);
}

void print_processes(libk::Sink& out) {
  static Processes processes;  // the shell thread only
  processes.count = 0;
  proc::for_each(take_process, &processes);
  if (processes.count == 0) return;
  out.write("  PID PARENT NAME            STATE    THREADS PAGES\n");
  for (usize i = 0; i < processes.count; ++i) {
    const ProcessRow& r = processes.rows[i];
    libk::StringView name(r.name);
    format_to(out, "{:>5} {:>6} {}", r.pid, r.parent, name);
    for (usize n = name.size(); n < 16; ++n) out.put(' ');
    format_to(out, "{:<8} {:>7} {:>5}\n", r.state, r.threads, r.pages);
  }
}

}  // namespace

Status cmd_ps(const Invocation& call) {
  static Snapshot snapshot;  // the shell thread only; too big for its stack
  snapshot.count = snapshot.missed = 0;
  print_processes(call.out);
  thread::for_each(take_row, &snapshot);
  Thread& self = thread::current();
  for (usize i = 0; i < snapshot.count; ++i)
    if (snapshot.rows[i].id == self.id()) snapshot.rows[i].cpu_ns = self.cpu_time_ns();
  call.out.write("  ID CPU  NAME            STATE    PRIO  CPU (ms)    SWITCHES\n");
  for (usize i = 0; i < snapshot.count; ++i) print_row(call.out, snapshot.rows[i]);
  if (snapshot.missed) format_to(call.out, "({} more threads not shown)\n", snapshot.missed);
  SchedulerStats st = Scheduler::stats();
  format_to(call.out,
            "{} threads; {} context switches, {} slice expiries, {} wake-ups; idle {} ms\n",
            snapshot.count + snapshot.missed, st.switches, st.slice_expiries, st.wakeups,
            st.idle_ns / time::kNsPerMs);
  return Status::Ok;
}

namespace {

// The thread running on `cpu`, named into `name` (under the scheduler lock: a snapshot).
struct CurrentName {
  u32 cpu;
  char name[Thread::kNameCapacity];
};

void take_current(const Thread& t, void* context) {
  auto* c = static_cast<CurrentName*>(context);
  if (t.state() != sched::ThreadState::Running || t.cpu() != c->cpu) return;
  libk::StringView name = t.name();
  usize n = name.size() < sizeof(c->name) - 1 ? name.size() : sizeof(c->name) - 1;
  for (usize i = 0; i < n; ++i) c->name[i] = name[i];
  c->name[n] = '\0';
}

void print_cpu(libk::Sink& out, u32 index) {
  const Cpu& c = cpu_at(index);
  CurrentName current{index, "-"};
  if (c.state.load() == CpuState::Online) thread::for_each(take_current, &current);
  SchedulerStats st = Scheduler::stats_of_cpu(index);
  u64 online_ns = time::now_ns() - c.online_at_ns.load(libk::MemoryOrder::Relaxed);
  u64 busy_ns = online_ns > st.idle_ns ? online_ns - st.idle_ns : 0;
  u64 busy_ms = busy_ns / time::kNsPerMs, idle_ms = st.idle_ns / time::kNsPerMs;
  libk::StringView name(current.name);
  format_to(out, "{:>3} {:>7}  {:<8} {}", index, c.apic_id, cpu_state_name(c.state.load()), name);
  for (usize i = name.size(); i < 16; ++i) out.put(' ');
  format_to(out, "{:>9} {:>9} {:>10} {:>9} {:>7}\n", busy_ms, idle_ms,
            c.interrupts.load(libk::MemoryOrder::Relaxed), st.switches,
            c.ipis_received.load(libk::MemoryOrder::Relaxed));
}

}  // namespace

Status cmd_cpus(const Invocation& call) {
  call.out.write(
      "CPU APIC ID  STATE    CURRENT          BUSY (ms) IDLE (ms) INTERRUPTS  SWITCHES    IPIS\n");
  for (u32 i = 0; i < cpu_count(); ++i) print_cpu(call.out, i);
  format_to(call.out, "{} of {} CPUs online\n", online_count(), cpu_count());
  return Status::Ok;
}

}  // namespace kernel::shell
