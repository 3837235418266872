// Contracts that fail loudly, in two tiers (STYLE.md, "Assertions in two tiers"):
//
//   VERIFY(cond)        always on: an invariant whose failure would corrupt state
//                       (reading a Result's value that is an error, unlinking a node that
//                       is on no list, releasing a lock this CPU does not hold).
//   DEBUG_ASSERT(cond)  on unless NDEBUG (Meson's b_ndebug): checks too costly for every
//                       release build (index bounds, "is this lock held" on hot paths).
//   VERIFY_NOT_REACHED()
//
// A failure reports the expression, file, line and function through libk::verify_failed,
// which each target defines once and which never returns:
//   kernel  a kernel panic (kernel/panic.cpp)
//   host    the message on stderr, then abort() (libk/src/host/verify_failed.cpp)
//   loader  a loader error on the firmware console, then back to the firmware
//           (loader/verify_failed.cpp)
// Bad input is not a contract violation: parsers return errors, they never VERIFY input.
#pragma once

namespace libk {

[[noreturn]] void verify_failed(const char* expression, const char* file, int line,
                                const char* function);

}  // namespace libk

#define VERIFY(cond)                                                            \
  do {                                                                          \
    if (!(cond)) [[unlikely]]                                                   \
      ::libk::verify_failed("VERIFY(" #cond ")", __FILE__, __LINE__, __func__); \
  } while (0)

#define VERIFY_NOT_REACHED() \
  ::libk::verify_failed("VERIFY_NOT_REACHED()", __FILE__, __LINE__, __func__)

#ifdef NDEBUG
// Not evaluated, but still compiled: a debug-only check cannot rot.
#define DEBUG_ASSERT(cond) ((void)sizeof(!(cond)))
#define EMBER_DEBUG_ASSERTS 0
#else
#define DEBUG_ASSERT(cond)                                                            \
  do {                                                                                \
    if (!(cond)) [[unlikely]]                                                         \
      ::libk::verify_failed("DEBUG_ASSERT(" #cond ")", __FILE__, __LINE__, __func__); \
  } while (0)
#define EMBER_DEBUG_ASSERTS 1
#endif
