// sched::LockOrder: the locks one CPU holds, in the order it took them, for the lock-order
// check of debug builds. Every spinlock has a rank; a CPU may take a lock only if its rank
// is higher than that of every lock it already holds. Two CPUs that each follow that rule
// can never wait for each other in a cycle, so a violation is reported the first time the
// order is broken on any path — not only when the deadlock actually happens.
//
// Pure logic: one object per CPU (the kernel keeps it in its per-CPU data; host tests make
// their own). Not synchronized: only its own CPU, with interrupts off, touches it.
#pragma once

#include <libk/types.hpp>

namespace sched {

// Lower ranks are taken first. 0 is "unranked": no order check (host tests of the lock core).
using LockRank = u8;
inline constexpr LockRank kUnranked = 0;

class LockOrder {
 public:
  static constexpr usize kMaxHeld = 16;

  struct Held {
    const void* lock;
    const char* name;
    LockRank rank;
  };

  // Records `lock` as taken. Returns the held lock whose rank forbids it (same or higher
  // rank), or nullptr if the order is kept. A violating lock is not recorded.
  const Held* acquire(const void* lock, const char* name, LockRank rank);
  // Forgets `lock` (in any position: a lock may be released out of order). False if it
  // was not recorded.
  bool release(const void* lock);

  usize depth() const { return count_; }
  // How many acquisitions did not fit (kMaxHeld exceeded) and went unchecked.
  u64 overflows() const { return overflows_; }

 private:
  Held held_[kMaxHeld] = {};
  usize count_ = 0;
  u64 overflows_ = 0;
};

}  // namespace sched
