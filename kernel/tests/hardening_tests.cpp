// Deliberate breaches of the kernel's hardening (docs/secure-boot.md), one per boot
// (KTEST_MANUAL: they run only when named exactly). Each must end in the panic of the
// mechanism that catches it; tests/qemu/hardening_tests.py checks the message on serial.
#include "ktest.hpp"
#include "log.hpp"
#include "memory/layout.hpp"
#include "memory/pmm.hpp"
#include "memory/vm.hpp"

namespace kernel {

namespace {

// Writes `count` bytes into a 16-byte local array. The stack protector puts the canary above
// the array, 16-byte aligned: 32 bytes cover the array, 8 bytes of padding and the canary,
// and leave the saved frame pointer and the return address intact (so the report's backtrace
// still unwinds). Nothing else in the frame: a call inlined here could put its locals between
// the array and the canary.
[[gnu::noinline]] void overrun_local_array(usize count) {
  char buffer[16];
  volatile char* p = buffer;
  for (usize i = 0; i < count; ++i) p[i] = 'A';
}

}  // namespace

KTEST_MANUAL("hardening.stack_smash") {
  volatile usize count = 32;
  log::info("stack smash test: writing {} bytes into a 16-byte local array", usize(count));
  overrun_local_array(count);
  log::error("stack smash test: the overrun went unnoticed");
  KEXPECT(false);
}

// A page mapped writable and executable on purpose, where the boot-time audit must find it.
// The top of the MMIO area: map_mmio allocates from the bottom and never gets there.
KTEST_MANUAL("hardening.wx_audit") {
  constexpr u64 kVa = layout::kMmioAreaBase + layout::kAreaSize - 16 * libk::kPageSize;
  auto frame = pmm::allocate(0, pmm::Owner::Test);
  if (!KEXPECT(frame.has_value())) return;
  KEXPECT(vm::map(kVa, *frame, libk::kPageSize, {.writable = true, .executable = true}).ok());
  log::info("W^X audit test: mapped {:#x} writable and executable", kVa);
  vm::audit_page_tables();
  log::error("W^X audit test: the audit let it pass");
  KEXPECT(false);
}

}  // namespace kernel
