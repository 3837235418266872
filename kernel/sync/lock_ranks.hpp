// The ranks of the kernel's locks: a CPU takes locks only in increasing rank (checked in
// debug builds, sched::LockOrder), so no two CPUs can wait for each other in a cycle.
// docs/smp.md, "Lock rules", explains each edge.
#pragma once

#include <sched/lock_order.hpp>

namespace kernel::lock_rank {

using sched::LockRank;

inline constexpr LockRank kScheduler = 10;  // run queues, thread states, wait lists
inline constexpr LockRank kUserPages = 15;  // a process's areas and user page tables
inline constexpr LockRank kStacks = 20;     // stack statistics (a thread is freed under kScheduler)
inline constexpr LockRank kHeapCpu = 25;    // one CPU's magazines (refilled under kHeap)
inline constexpr LockRank kHeap = 30;       // slab heap and large-block statistics
inline constexpr LockRank kVm = 40;         // kernel page tables and virtual areas
inline constexpr LockRank kPmm = 50;        // the buddy allocator
inline constexpr LockRank kTimers = 60;     // a CPU's timer queue (armed under kScheduler)
inline constexpr LockRank kDevice = 70;     // a device's state (UART receive, ...)
inline constexpr LockRank kLog = 80;        // the log ring: anything may log
inline constexpr LockRank kConsole = 90;    // the screen and serial output, under kLog
inline constexpr LockRank kLeaf = 200;      // takes nothing after it (tests, small tables)

}  // namespace kernel::lock_rank
