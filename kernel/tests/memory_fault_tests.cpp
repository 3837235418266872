// Accesses the kernel's page tables must stop. Manual tests: each faults on purpose, and
// tests/qemu/boot_tests.py checks that the #PF crash report (the exception handler calls
// kernel::vm::describe_fault) names the right kind of fault.
#include "ktest.hpp"
#include "log.hpp"
#include "memory/heap.hpp"
#include "memory/stacks.hpp"

extern "C" char __text_start[];

namespace kernel {

KTEST_MANUAL("memory.fault.write_text") {
  volatile u8* text = reinterpret_cast<volatile u8*>(__text_start) + 0x40;
  log::info("fault test: writing to kernel text at {:#x}", reinterpret_cast<u64>(text));
  *text = 0xcc;
  KEXPECT(!"the write to kernel text went through");
}

KTEST_MANUAL("memory.fault.exec_heap") {
  auto* code = static_cast<u8*>(kmalloc(64));
  if (!KEXPECT(code != nullptr)) return;
  code[0] = 0xc3;  // ret
  log::info("fault test: calling heap memory at {:p}", code);
  reinterpret_cast<void (*)()>(code)();
  KEXPECT(!"executing heap memory went through");
}

KTEST_MANUAL("memory.fault.stack_guard") {
  auto stack = stacks::allocate();
  if (!KEXPECT(stack.has_value())) return;
  volatile u64* guard = reinterpret_cast<volatile u64*>(stack->base) - 1;
  log::info("fault test: writing to the guard page below a kernel stack at {:#x}",
            reinterpret_cast<u64>(guard));
  *guard = 0;
  KEXPECT(!"the write to a stack guard page went through");
}

}  // namespace kernel
