#include "stack_protector.hpp"

#include <hal/cpu.hpp>

#include "panic.hpp"
#include "symbols.hpp"

extern "C" {

// Read by every protected function (-mstack-protector-guard=global). Until init() a fixed
// value, so the functions kernel_main calls before it still agree with themselves.
constinit u64 __stack_chk_guard = 0x2f8d'e95b'13c4'7a00ull;

// Called instead of returning by a function whose canary copy was overwritten: something
// wrote past the end of one of its local arrays, over the canary, towards the return
// address. Its caller's frame is not to be trusted; panic names where it happened.
[[noreturn]] void __stack_chk_fail() {
  // The call is the function's last instruction (it does not return), so the return address
  // may already be past the function's end: name the call itself.
  u64 call = reinterpret_cast<u64>(__builtin_return_address(0)) - 1;
  char where[128];
  libk::BufferSink sink(where, sizeof(where));
  kernel::symbols::write(sink, call);
  PANIC("stack protector: stack smashing detected in {} (a local array was overrun)", sink.view());
}

}  // extern "C"

namespace kernel::stack_protector {

namespace {

// The low byte stays zero: a runaway string copy that reaches the canary has to write a NUL
// into it to match, which ends the copy.
constexpr u64 kZeroLowByte = ~u64{0xff};

}  // namespace

[[clang::no_stack_protector]] void init(const boot::BootInfo* info) {
  u64 random = 0;
  if (info != nullptr && info->magic == boot::kMagic && info->version >= 2 && info->entropy != 0)
    random = info->entropy;
  else
    random = hal::cpu::rdtsc() * 0x9e37'79b9'7f4a'7c15ull;  // weak: only when the loader gave none
  __stack_chk_guard = random & kZeroLowByte;
}

}  // namespace kernel::stack_protector
