// Frame-pointer stack walking (System V x86-64 psABI §3.2.2 with frame pointers: every
// function starts with `push rbp; mov rbp, rsp`, so [rbp] holds the caller's rbp and
// [rbp + 8] the return address). Ember builds everything with -fno-omit-frame-pointer.
//
// Pure logic over a memory interface: the walk never dereferences an address the reader
// refused, so a corrupt chain ends the backtrace instead of faulting inside the crash report.
#pragma once

#include <libk/span.hpp>
#include <libk/types.hpp>

namespace hal {

class StackReader {
 public:
  // Reads the 8 bytes at `address`; false if they cannot be read safely (unmapped, outside
  // any stack, ...).
  virtual bool read_u64(u64 address, u64& value) = 0;

 protected:
  ~StackReader() = default;
};

struct StackWalk {
  usize count;     // return addresses stored
  bool truncated;  // the chain went on past the output's capacity
};

// Follows the chain from `rbp`, storing return addresses (innermost first) into `out`. Stops
// at a zero rbp or return address (the entry stub stores both), at a misaligned or
// unreadable frame, or when the chain does not move strictly up the stack (a loop or a
// corrupt link).
StackWalk walk_frame_pointers(u64 rbp, StackReader& reader, libk::Span<u64> out);

}  // namespace hal
