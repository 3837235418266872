// Symbolized backtraces from frame pointers (hal::walk_frame_pointers), reading only memory
// the page tables say is mapped, so a corrupt stack ends the trace instead of faulting.
//
// Context: any, including exception handlers on an IST stack.
#pragma once

#include <libk/format.hpp>
#include <libk/span.hpp>

namespace kernel::backtrace {

inline constexpr usize kMaxFrames = 24;

// The return addresses of the frame chain starting at `rbp`, innermost first.
usize capture(u64 rbp, libk::Span<u64> out, bool* truncated = nullptr);

// Writes "  #0 0x... name+0x.." for `rip`, then one line per return address from `rbp`,
// each ending in '\n'; "  ... (more frames)" when the chain is longer than kMaxFrames.
void write(libk::Sink& out, u64 rip, u64 rbp);

}  // namespace kernel::backtrace
