// The stack protector's canary (-fstack-protector-strong, docs/secure-boot.md): every function
// with an array or an address-taken local keeps a copy of __stack_chk_guard between its locals
// and its return address and calls __stack_chk_fail if the copy changed before it returns.
#pragma once

#include <boot/boot_info.hpp>

namespace kernel::stack_protector {

// Replaces the build's fixed canary with a random one: BootInfo's entropy when `info` is a
// BootInfo of version 2 or later, else the TSC. No function whose frame holds the old canary
// may return afterwards, so the caller is kernel_main, which has none and never returns.
// Once, at entry, before any other CPU runs.
void init(const boot::BootInfo* info);

}  // namespace kernel::stack_protector
