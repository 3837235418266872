#include <hal/context.hpp>

namespace hal::context {

namespace {
// Frame slots, in words from the saved stack pointer (the pop order in context_switch.S).
enum Slot : usize { kR15, kR14, kR13, kR12, kRbx, kRbp, kReturn };
static_assert(kReturn + 1 == kFrameWords);
}  // namespace

u64 prepare(u64 stack_top, EntryFn entry, void* arg) {
  // Two zero words above the frame keep the trampoline's `call` 16-byte aligned: after the
  // frame is popped rsp == stack_top - 16 (SysV: rsp is a multiple of 16 at a call).
  u64 sp = (stack_top & ~u64{15}) - (kFrameWords + 2) * sizeof(u64);
  auto* frame = reinterpret_cast<u64*>(sp);
  for (usize i = 0; i < kFrameWords + 2; ++i) frame[i] = 0;
  frame[kR12] = reinterpret_cast<u64>(entry);
  frame[kR13] = reinterpret_cast<u64>(arg);
  frame[kReturn] = reinterpret_cast<u64>(&hal_context_start);
  return sp;
}

}  // namespace hal::context
