// sched::RunQueue: which runnable thread runs next, and for how long. Pure logic (no
// clock, no interrupts, no allocation); the kernel's scheduler (kernel/sched/scheduler.cpp)
// feeds it events and the measured CPU time, and host tests drive it with simulated time.
//
// The policy is round-based ("epochs" in Linux's O(1) scheduler):
//  - Time is divided into rounds. In each round every runnable entity may run for its slice
//    (Entity::slice_ns), in one go or in pieces when it blocks and wakes up again.
//  - Within a round the highest priority runs first; equal priorities run first-in,
//    first-out (in the order they became runnable).
//  - An entity that has used up its slice waits for the next round. The round ends when no
//    entity with budget left is runnable; then all waiting entities get a fresh slice.
//  - Nothing starves: an always-runnable entity runs at least once per round, and a round
//    lasts at most the sum of the runnable entities' slices (plus slices of entities that
//    become runnable during it). Always-runnable entities share the CPU in proportion to
//    their slices.
//  - Sleeping does not bank CPU time: a slice belongs to one round. An entity that wakes up
//    in the round in which it exhausted its slice waits for the next one; one that wakes in
//    a later round gets a fresh slice at once.
//  - When nothing is runnable, pick_next() returns the idle entity (the idle thread), which
//    is never queued and is preempted by anything that becomes runnable.
//
// Every operation is O(1): a bitmap of non-empty priority levels finds the highest one, and
// starting a round touches no entity (budgets are refreshed lazily, when an entity is
// picked or enqueued, by comparing its round number with the current one).
//
// Context: not thread-safe; the kernel holds the scheduler lock (interrupts off) around
// every call.
#pragma once

#include <libk/intrusive_list.hpp>
#include <sched/entity.hpp>

namespace sched {

class RunQueue {
 public:
  constexpr explicit RunQueue(Entity& idle) : idle_(idle) {}
  RunQueue(const RunQueue&) = delete;
  RunQueue& operator=(const RunQueue&) = delete;

  // Makes `e` runnable: a new entity, one that woke up, or the running entity being
  // preempted or yielding. It queues behind the entities of its priority: in this round if
  // it has budget left in it (or its budget is stale, i.e. from an earlier round), otherwise
  // in the next round. `e` must not be queued; the idle entity is never queued (ignored).
  void enqueue(Entity& e);

  // Removes and returns the entity to run next; the idle entity when nothing is runnable.
  // The returned entity has budget left in the current round.
  Entity& pick_next();

  // Takes a queued entity off the queue (it is neither runnable nor running afterwards).
  void remove(Entity& e);

  // Takes off and returns a queued entity that may run on CPU `cpu`, for another CPU to run
  // (an idle CPU taking work): the highest priority of this round, else of the next round;
  // nullptr if none may. The caller enqueues it on the other CPU's run queue, where its
  // budget counts in that queue's rounds.
  Entity* steal_for(u32 cpu);

  // Charges `ns` of CPU time to the entity that ran (possibly the idle entity, which has
  // no budget to use up).
  void charge(Entity& running, u64 ns);

  // True when the running entity has used up its slice for this round and must yield.
  bool slice_expired(const Entity& running) const;

  // Nanoseconds of slice the running entity has left (0 if expired); the kernel arms the
  // preemption timer with this. The idle entity has no slice: 0.
  u64 slice_left_ns(const Entity& running) const;

  // True when `woken`, just enqueued, should take the CPU from `running` right away: the
  // CPU is idle, or `woken` runs in this round at a higher priority than `running`.
  bool should_preempt(const Entity& running, const Entity& woken) const;

  // Changes an entity's priority and slice (slice_ns == 0: the priority's default). A
  // queued entity is requeued at its new priority; a running entity keeps its budget for
  // this round, capped at the new slice.
  void set_priority(Entity& e, Priority priority, u64 slice_ns = 0);

  // Entities waiting to run (the running one and the idle entity are not counted).
  usize runnable() const { return rounds_[0].size + rounds_[1].size; }
  // The current round, counting from 1.
  u64 round() const { return round_; }
  bool is_idle(const Entity& e) const { return &e == &idle_; }
  // True if `e` is queued to run in the current round (false: next round, or not queued).
  bool in_this_round(const Entity& e) const {
    return e.queue_ == Entity::Queue::Runnable && e.run_slot_ == current_;
  }

 private:
  // The queued entities of one round: a FIFO per priority, and a bit per non-empty FIFO.
  struct Round {
    libk::IntrusiveList<Entity> levels[kPriorityLevels];
    u32 nonempty = 0;
    usize size = 0;

    void push(Entity& e);
    Entity* pop_highest();
    void remove(Entity& e);
  };

  Round& this_round() { return rounds_[current_]; }
  Round& next_round() { return rounds_[current_ ^ 1]; }
  void refresh_budget(Entity& e) const;
  void push(Entity& e, u8 slot);

  Entity& idle_;
  Round rounds_[2];
  u8 current_ = 0;
  u64 round_ = 1;
};

}  // namespace sched
