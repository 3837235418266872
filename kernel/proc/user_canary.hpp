// The stack-protector canary each new process gets (user/runtime/start.S stores it in
// __stack_chk_guard before any compiled code runs; docs/processes.md, "Start-up").
#pragma once

#include <libk/types.hpp>

namespace kernel::proc {

// 64 bits from RDRAND when the CPU has it (retried, as the SDM advises, Vol. 1 §7.3.17.1);
// otherwise the TSC mixed with a counter (splitmix64): distinct per process but predictable
// to anyone who can estimate the TSC, so weak. The lowest byte is zero, so a string
// overflow that copies up to a NUL cannot reproduce the canary, nor can printing leak it.
u64 new_canary();

}  // namespace kernel::proc
