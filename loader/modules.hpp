// Boot modules: files the kernel gets in memory beside itself, listed in BootInfo's module
// table (docs/boot-protocol.md). Today one: the initrd, \boot\initrd.tar, a USTAR archive of
// the user programs (docs/processes.md).
#pragma once

#include <boot/boot_info.hpp>

#include "files.hpp"
#include "verify.hpp"

namespace loader {

struct Modules {
  static constexpr u32 kCapacity = 4;
  boot::Module table[kCapacity];
  u32 count;
};

// Reads \boot\initrd.tar if the volume has it and checks it against its digest like the
// kernel (a module the loader was sealed with must be there and match; under Secure Boot one
// without a digest is refused). A missing initrd is not an error unless it was sealed.
Expected<void> load_modules(EFI_FILE_PROTOCOL* root, Verifier& verifier, Modules& out);

// Copies the table into loader memory the kernel keeps until it has copied it, and points
// BootInfo at it.
Expected<void> record_modules(const Modules& modules, boot::BootInfo& info);

}  // namespace loader
