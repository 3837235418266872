#include <sched/lock_order.hpp>

namespace sched {

const LockOrder::Held* LockOrder::acquire(const void* lock, const char* name, LockRank rank) {
  if (rank == kUnranked) return nullptr;
  for (usize i = 0; i < count_; ++i)
    if (held_[i].rank >= rank) return &held_[i];
  if (count_ == kMaxHeld) {
    ++overflows_;
    return nullptr;
  }
  held_[count_++] = {lock, name, rank};
  return nullptr;
}

bool LockOrder::release(const void* lock) {
  for (usize i = count_; i-- > 0;) {
    if (held_[i].lock != lock) continue;
    for (usize j = i + 1; j < count_; ++j) held_[j - 1] = held_[j];
    --count_;
    return true;
  }
  return false;
}

}  // namespace sched
