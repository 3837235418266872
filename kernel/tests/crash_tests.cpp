// Deliberate CPU exceptions, one per boot (KTEST_MANUAL: they run only when named exactly).
// Each ends in a crash report and a panic, which in test mode ends QEMU with the failure
// status; tests/qemu/cpu_tests.py checks the report on serial. The faulting functions are
// named and not inlined so that the backtrace can be checked for them.
#include <hal/cpu.hpp>

#include "ktest.hpp"

namespace kernel {

namespace {

[[gnu::noinline]] u64 divide_error_here(u64 divisor) { return 1000 / divisor; }

[[gnu::noinline]] void invalid_opcode_here() { __builtin_trap(); }  // UD2

// GDT index 582 (selector 0x1230) is far past the end of Ember's 7-entry GDT: #GP(0x1230).
[[gnu::noinline]] void general_protection_here() {
  hal::cpu::write_es(0x1230);
  asm volatile("");
}

// Nothing is mapped in the lower half (there is no identity map): a not-present read.
inline constexpr u64 kUnmappedAddress = 0x0000'0000'dead'beefull;
[[gnu::noinline]] u64 page_fault_here() {
  return *reinterpret_cast<volatile u64*>(kUnmappedAddress);
}

// 1 KiB per frame on the 64 KiB boot stack: about 60 levels reach its guard page.
[[gnu::noinline]] u64 overflow_stack(u64 depth) {
  volatile u8 frame[1024];
  frame[depth % sizeof(frame)] = u8(depth);
  if (depth == ~u64{0}) return 0;  // never: keeps the recursion from looking infinite
  return overflow_stack(depth + 1) + frame[depth % sizeof(frame)];
}

}  // namespace

KTEST_MANUAL("crash.divide_error") {
  volatile u64 zero = 0;
  KEXPECT_EQ(divide_error_here(zero), 0u);
}

KTEST_MANUAL("crash.invalid_opcode") {
  invalid_opcode_here();
  KEXPECT(false);
}

KTEST_MANUAL("crash.general_protection") {
  general_protection_here();
  KEXPECT(false);
}

KTEST_MANUAL("crash.page_fault") { KEXPECT_EQ(page_fault_here(), 0u); }

KTEST_MANUAL("crash.stack_overflow") { KEXPECT_EQ(overflow_stack(0), 0u); }

}  // namespace kernel
