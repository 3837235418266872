// When a console may present a whole frame.
//
// Presenting copies only damaged rows while the screen does not scroll, but after a scroll
// every pixel row of the framebuffer shows other text: the whole frame is copied (the
// framebuffer is never read, so pixels cannot be moved within it). A writer that presents
// after every line of output on a full screen therefore pays one frame copy per line. A
// screen shows at most one frame per refresh anyway, so whole-frame presents are paced
// instead: one may happen when at least `interval` has passed since the last one; until
// then it stays pending, and the scrolls that arrive meanwhile are coalesced into the one
// frame copy that ends the wait. The first whole-frame present, and the first after a quiet
// interval, may happen at once: a single line of output is never delayed.
//
// Pure logic on a caller's monotonic nanosecond clock (the kernel's time::now_ns, a fake
// clock in the host tests). A clock that seems to run backwards allows a present.
#pragma once

#include <libk/types.hpp>

namespace libk {

class FramePacer {
 public:
  // 0: no pacing (every whole-frame present may happen at once).
  constexpr explicit FramePacer(u64 interval_ns = 0) : interval_(interval_ns) {}

  u64 interval() const { return interval_; }
  void set_interval(u64 interval_ns) { interval_ = interval_ns; }

  // The earliest time, `now_ns` or later, at which a whole-frame present may happen.
  u64 earliest_full_frame(u64 now_ns) const {
    if (!presented_ || now_ns < last_ || now_ns - last_ >= interval_) return now_ns;
    return last_ + interval_;
  }
  bool full_frame_allowed(u64 now_ns) const { return earliest_full_frame(now_ns) == now_ns; }

  // A whole frame was presented at `now_ns`.
  void full_frame_presented(u64 now_ns) {
    last_ = now_ns;
    presented_ = true;
  }

 private:
  u64 interval_;
  u64 last_ = 0;
  bool presented_ = false;
};

}  // namespace libk
