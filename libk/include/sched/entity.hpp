// sched::Entity: the scheduling state of one thread (priority, time slice, CPU time used),
// the part of a thread that the scheduling policy reads and writes. The kernel's Thread
// derives from it; the run queue, wait lists and synchronization cores work on Entities
// only, so the whole policy is pure logic and is tested on the host
// (tests/host/sched_*_test.cpp). docs/scheduling.md describes the policy.
#pragma once

#include <libk/intrusive_list.hpp>
#include <libk/types.hpp>

namespace sched {

// Priorities: 0 (lowest) to 31 (highest). A higher priority runs first within each round
// and has a longer time slice; nothing starves (see RunQueue).
using Priority = u8;
inline constexpr u32 kPriorityLevels = 32;
inline constexpr Priority kLowestPriority = 0;
inline constexpr Priority kDefaultPriority = 16;
inline constexpr Priority kHighestPriority = kPriorityLevels - 1;

// The slice a thread gets once per round unless it asks for another length: (priority + 1)
// quanta of 250 us (0.25 ms at priority 0, 4.25 ms at 16, 8 ms at 31). Always-runnable
// threads therefore share the CPU in proportion to their priority + 1.
inline constexpr u64 kSliceQuantumNs = 250'000;
constexpr u64 default_slice_ns(Priority p) { return kSliceQuantumNs * (u64(p) + 1); }
inline constexpr u64 kDefaultSliceNs = default_slice_ns(kDefaultPriority);

// CPUs are numbered 0..n-1; an entity may run on any, or be pinned to one.
inline constexpr u32 kAnyCpu = ~u32{0};

class WaitList;

class Entity : public libk::ListNode<> {
 public:
  // Which queue the entity is on. It is on at most one: its one list node is shared.
  enum class Queue : u8 { None, Runnable, Waiting };

  // slice_ns == 0 means default_slice_ns(priority). Out-of-range priorities are clamped.
  constexpr explicit Entity(Priority priority = kDefaultPriority, u64 slice_ns = 0) {
    set_priority_and_slice(priority, slice_ns);
  }

  constexpr Priority priority() const { return priority_; }
  constexpr u64 slice_ns() const { return slice_ns_; }
  // CPU time charged to this entity so far (RunQueue::charge).
  constexpr u64 runtime_ns() const { return runtime_ns_; }
  // What is left of this round's slice; meaningful while the entity runs.
  constexpr i64 budget_ns() const { return budget_ns_; }
  constexpr Queue queue() const { return queue_; }
  // The wait list the entity is on while queue() == Waiting, else nullptr.
  constexpr const WaitList* waiting_on() const { return waiting_on_; }

  // The CPU it runs on, or last ran or was queued on.
  constexpr u32 cpu() const { return cpu_; }
  constexpr void set_cpu(u32 cpu) { cpu_ = cpu; }
  // kAnyCpu, or the one CPU it may run on.
  constexpr u32 affinity() const { return affinity_; }
  constexpr void set_affinity(u32 cpu) { affinity_ = cpu; }
  constexpr bool may_run_on(u32 cpu) const { return affinity_ == kAnyCpu || affinity_ == cpu; }

 private:
  friend class RunQueue;
  friend class WaitList;

  constexpr void set_priority_and_slice(Priority priority, u64 slice_ns) {
    priority_ = priority > kHighestPriority ? kHighestPriority : priority;
    slice_ns_ = slice_ns != 0 ? slice_ns : default_slice_ns(priority_);
  }

  Priority priority_ = kDefaultPriority;
  Queue queue_ = Queue::None;
  u8 run_slot_ = 0;  // while Runnable: which of the run queue's two rounds holds it
  u64 slice_ns_ = 0;
  i64 budget_ns_ = 0;
  u64 round_ = 0;  // the round budget_ns_ belongs to; rounds count from 1, so 0 is stale
  u64 runtime_ns_ = 0;
  WaitList* waiting_on_ = nullptr;
  u32 cpu_ = 0;
  u32 affinity_ = kAnyCpu;
};

}  // namespace sched
