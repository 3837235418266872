// What the local APIC timer is programmed with for a deadline on the monotonic nanosecond
// clock (SDM Vol. 3A §11.5.4: one-shot initial count, or the IA32_TSC_DEADLINE value). Pure
// arithmetic, so the property that matters — a timer never fires before its deadline, and
// only a couple of ticks after it — is tested exactly on the host
// (tests/host/timer_deadline_test.cpp) instead of being measured under emulation.
#pragma once

#include <libk/types.hpp>

namespace libk {

// A TickConverter rounds down and its multiplier is itself rounded down, which together can
// lose up to two ticks: adding them back means a timer never fires early.
inline constexpr u64 kDeadlineRoundUpTicks = 2;
inline constexpr u32 kMaxOneShotCount = 0xFFFF'FFFF;

// The one-shot initial count for `deadline_ns` when the clock reads `now_ns`: at least 1 (a
// deadline already passed fires at once), at most kMaxOneShotCount (a deadline beyond the
// counter's range fires early; the kernel then finds nothing expired and programs again).
// `ns_to_ticks(ns)` converts rounding down (a TickConverter's convert).
template <typename NsToTicks>
constexpr u32 one_shot_count(NsToTicks ns_to_ticks, u64 now_ns, u64 deadline_ns) {
  if (deadline_ns <= now_ns) return 1;
  u64 ticks = ns_to_ticks(deadline_ns - now_ns);
  if (ticks >= kMaxOneShotCount - kDeadlineRoundUpTicks) return kMaxOneShotCount;
  return u32(ticks + kDeadlineRoundUpTicks);
}

// The IA32_TSC_DEADLINE value for `deadline_ns`: the first TSC value at which the kernel's
// clock (`tsc_to_ns`) reads `deadline_ns` or later, so the interrupt comes neither before
// the kernel would call the deadline passed nor later than needed. Converting the deadline
// alone is not enough: the two converters are inverse only to their precision (about 1e-10),
// which at an uptime of months is milliseconds. A few Newton steps on the clock itself get
// within a tick or two, and a last walk makes it exact. Never 0 (that disarms the timer).
template <typename NsToTsc, typename TscToNs>
constexpr u64 tsc_deadline(NsToTsc ns_to_tsc, TscToNs tsc_to_ns, u64 deadline_ns) {
  u64 t = ns_to_tsc(deadline_ns);
  for (int step = 0; step < 8; ++step) {
    u64 now = tsc_to_ns(t);
    if (now < deadline_ns) {
      u64 more = ns_to_tsc(deadline_ns - now) + 1;
      if (t > ~u64{0} - more) return ~u64{0};  // beyond the TSC's range: as late as it gets
      t += more;
    } else if (now > deadline_ns + 1) {
      u64 less = ns_to_tsc(now - deadline_ns - 1);
      t = less < t ? t - less : 0;
    } else {
      break;
    }
  }
  while (t > 1 && tsc_to_ns(t - 1) >= deadline_ns) --t;
  while (t < ~u64{0} && tsc_to_ns(t) < deadline_ns) ++t;
  return t == 0 ? 1 : t;
}

}  // namespace libk
