#include <hal/stack_walk.hpp>

namespace hal {

StackWalk walk_frame_pointers(u64 rbp, StackReader& reader, libk::Span<u64> out) {
  StackWalk walk{0, false};
  while (rbp != 0 && rbp % 8 == 0) {
    u64 caller_rbp = 0, return_address = 0;
    if (rbp > ~u64{0} - 16) break;
    if (!reader.read_u64(rbp, caller_rbp) || !reader.read_u64(rbp + 8, return_address)) break;
    if (return_address == 0) break;
    if (walk.count == out.size()) {
      walk.truncated = true;
      break;
    }
    out[walk.count++] = return_address;
    if (caller_rbp != 0 && caller_rbp <= rbp) break;  // must move up the stack
    rbp = caller_rbp;
  }
  return walk;
}

}  // namespace hal
