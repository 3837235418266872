// kernel::Semaphore: a counting semaphore. down() takes a unit or blocks until up() hands
// it one (libk/include/sched/semaphore_core.hpp): first waiter by priority, then arrival.
//
// Context: down() in thread context only; up() from any context, interrupt handlers
// included (a wake-up there preempts on the way out of the interrupt).
#pragma once

#include <sched/semaphore_core.hpp>

#include "sched/thread.hpp"

namespace kernel {

class Semaphore {
 public:
  constexpr explicit Semaphore(const char* name, u64 initial = 0) : name_(name), core_(initial) {}
  Semaphore(const Semaphore&) = delete;
  Semaphore& operator=(const Semaphore&) = delete;

  void down() EXCLUDES(scheduler_lock);
  bool try_down() EXCLUDES(scheduler_lock);
  // Panics if the count would overflow 2^64 - 1 (a runaway producer).
  void up() EXCLUDES(scheduler_lock);

  // A snapshot: exact only under the scheduler lock.
  u64 count() const NO_THREAD_SAFETY_ANALYSIS { return core_.count(); }
  const char* name() const { return name_; }

 private:
  const char* name_;
  sched::SemaphoreCore core_ GUARDED_BY(scheduler_lock);
};

}  // namespace kernel
