// Leaving the current stack for good (hal/x86/stack_switch.S).
#pragma once

#include <libk/types.hpp>

namespace hal {

using StackEntry = void (*)(void* argument);

extern "C" [[noreturn]] void ember_switch_stack(u64 stack_top, StackEntry entry, void* argument);

// Sets rsp to `stack_top` (16-byte aligned), pushes a zero return address (ends backtraces)
// and jumps to entry(argument). Nothing on the old stack may be used afterwards.
[[noreturn]] inline void switch_stack(u64 stack_top, StackEntry entry, void* argument) {
  ember_switch_stack(stack_top, entry, argument);
}

}  // namespace hal
