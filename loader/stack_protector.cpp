#include "stack_protector.hpp"

#include <hal/cpu.hpp>
#include <hal/uart.hpp>

#include "loader.hpp"

extern "C" {

// MSVC's documented default; replaced at entry by set_stack_cookie.
constinit u64 __security_cookie = 0x0000'2b99'2ddf'a232ull;

// `cookie` is the copy a returning function kept, already XORed back with its stack pointer.
// A mismatch means one of its local arrays was overrun: its frame, and the return address
// above it, are not to be trusted, so nothing returns from here. Said on COM1 (the firmware
// console may be gone after ExitBootServices, and calling into it from a damaged stack is no
// safer).
[[clang::no_stack_protector]] void __security_check_cookie(u64 cookie) {
  if (cookie == __security_cookie) return;
  hal::Uart16550 com1(hal::Uart16550::kCom1);
  com1.init();
  libk::format_to(com1, "\n{}: stack smashing detected (returning to {:#x}); halting\n",
                  loader::kName, reinterpret_cast<u64>(__builtin_return_address(0)));
  hal::cpu::halt_forever();
}

}  // extern "C"

namespace loader {

// The low byte stays zero, as the kernel's (kernel/stack_protector.cpp).
[[clang::no_stack_protector]] void set_stack_cookie(u64 random) {
  __security_cookie = random & ~u64{0xff};
}

}  // namespace loader
