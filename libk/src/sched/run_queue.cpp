#include <libk/assert.hpp>
#include <sched/run_queue.hpp>

namespace sched {

void RunQueue::Round::push(Entity& e) {
  levels[e.priority()].push_back(e);
  nonempty |= 1u << e.priority();
  ++size;
}

Entity* RunQueue::Round::pop_highest() {
  if (nonempty == 0) return nullptr;
  u32 level = 31 - u32(__builtin_clz(nonempty));
  Entity* e = levels[level].pop_front();
  if (levels[level].empty()) nonempty &= ~(1u << level);
  --size;
  return e;
}

void RunQueue::Round::remove(Entity& e) {
  levels[e.priority()].remove(e);
  if (levels[e.priority()].empty()) nonempty &= ~(1u << e.priority());
  --size;
}

// A budget from an earlier round is stale: the entity gets its full slice in this one.
void RunQueue::refresh_budget(Entity& e) const {
  if (e.round_ == round_) return;
  e.round_ = round_;
  e.budget_ns_ = i64(e.slice_ns_);
}

void RunQueue::push(Entity& e, u8 slot) {
  VERIFY(e.queue_ == Entity::Queue::None);  // a waiter or a queued entity cannot be queued
  e.queue_ = Entity::Queue::Runnable;
  e.run_slot_ = slot;
  rounds_[slot].push(e);
}

void RunQueue::enqueue(Entity& e) {
  if (is_idle(e)) return;
  refresh_budget(e);
  push(e, e.budget_ns_ > 0 ? current_ : current_ ^ 1);
}

Entity& RunQueue::pick_next() {
  if (this_round().size == 0) {
    if (next_round().size == 0) return idle_;
    // The next round begins. Its entities' budgets went stale with the round number and
    // are refreshed one by one as they are picked: starting a round is O(1).
    current_ ^= 1;
    ++round_;
  }
  Entity* e = this_round().pop_highest();
  e->queue_ = Entity::Queue::None;
  refresh_budget(*e);
  return *e;
}

void RunQueue::remove(Entity& e) {
  if (e.queue_ != Entity::Queue::Runnable) return;
  rounds_[e.run_slot_].remove(e);
  e.queue_ = Entity::Queue::None;
}

Entity* RunQueue::steal_for(u32 cpu) {
  const u8 slots[2] = {current_, u8(current_ ^ 1)};  // this round first
  for (u8 slot : slots) {
    Round& r = rounds_[slot];
    for (u32 level = kPriorityLevels; level-- > 0;) {
      if (!(r.nonempty >> level & 1)) continue;
      for (Entity& e : r.levels[level]) {
        if (!e.may_run_on(cpu)) continue;
        r.remove(e);
        e.queue_ = Entity::Queue::None;
        e.round_ = 0;  // a budget from this queue's rounds means nothing in the thief's
        return &e;
      }
    }
  }
  return nullptr;
}

void RunQueue::charge(Entity& running, u64 ns) {
  running.runtime_ns_ += ns;
  if (!is_idle(running)) running.budget_ns_ -= i64(ns);
}

bool RunQueue::slice_expired(const Entity& running) const {
  return !is_idle(running) && running.budget_ns_ <= 0;
}

u64 RunQueue::slice_left_ns(const Entity& running) const {
  if (is_idle(running) || running.budget_ns_ <= 0) return 0;
  return u64(running.budget_ns_);
}

bool RunQueue::should_preempt(const Entity& running, const Entity& woken) const {
  if (is_idle(running)) return true;
  return in_this_round(woken) && woken.priority_ > running.priority_;
}

void RunQueue::set_priority(Entity& e, Priority priority, u64 slice_ns) {
  bool queued = e.queue_ == Entity::Queue::Runnable;
  if (queued) remove(e);
  e.set_priority_and_slice(priority, slice_ns);
  if (e.budget_ns_ > i64(e.slice_ns_)) e.budget_ns_ = i64(e.slice_ns_);
  if (queued) enqueue(e);
}

}  // namespace sched
