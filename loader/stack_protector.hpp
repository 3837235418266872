// The loader's stack protector (-fstack-protector-strong on a Windows target follows MSVC's
// /GS ABI): protected functions store __security_cookie XOR their stack pointer below their
// locals and pass it back to __security_check_cookie before returning. docs/secure-boot.md.
#pragma once

#include <libk/types.hpp>

namespace loader {

// Replaces the build's fixed cookie with `random`. No function whose frame holds the old
// cookie may return afterwards, so the caller is efi_main (unprotected), before the boot.
void set_stack_cookie(u64 random);

}  // namespace loader
