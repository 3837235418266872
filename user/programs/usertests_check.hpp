// What every usertests case uses (usertests.cpp, usertests_ramfs.cpp): run, CHECK, which prints
// the failed condition and ends the case with false, and opaque(), which hides a value from
// the optimiser so that a bad pointer reaches the system call as written.
#pragma once

#include "ember.hpp"

namespace usertests {

inline constexpr u64 kKernelAddress = 0xffff'8000'0000'0000ull;

inline u64 opaque(u64 v) {
  asm volatile("" : "+r"(v));
  return v;
}

inline bool check(bool ok, const char* what) {
  if (!ok) {
    ember::print("usertests:   failed: ");
    ember::print(what);
    ember::print("\n");
  }
  return ok;
}

// Spawns `path` with `argv` and waits for it: its exit status, or a negative error.
inline i64 run(const char* path, const char* const* argv) {
  i64 pid = ember::spawn(path, argv);
  if (pid < 0) return pid;
  i64 status = -1000;
  i64 r = ember::wait(pid, &status);
  return r < 0 ? r : status;
}

}  // namespace usertests

#define CHECK(cond)                                     \
  do {                                                  \
    if (!::usertests::check(cond, #cond)) return false; \
  } while (0)
