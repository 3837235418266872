// The scheduler lock: one spinlock for the run queue, every thread's scheduling state and
// every wait list (wait queues, mutexes, semaphores, condition variables, joins). Declared
// apart from the Scheduler so that the data it guards (in Thread, WaitQueue, Mutex, ...) can
// say GUARDED_BY(scheduler_lock). kernel/sched/scheduler.hpp explains how it is held across
// a context switch; docs/scheduling.md lists the lock rules.
#pragma once

#include "sync/spinlock.hpp"

namespace kernel {

extern SpinLock scheduler_lock;

}  // namespace kernel
