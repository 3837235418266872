// The initrd: the USTAR archive of user programs the loader hands over as the boot module
// named "initrd" (docs/boot-protocol.md, docs/processes.md). Read in place through the
// direct map; its pages stay out of the memory pool.
#pragma once

#include <libk/span.hpp>
#include <libk/ustar.hpp>

namespace kernel::initrd {

// Finds the module and checks the whole archive (libk/ustar.hpp), logging what it found or
// why it is unusable. Context: boot, after memory::finish_boot.
void init();
bool present();
libk::Bytes archive();

// The regular file at `path` ("/bin/hello" or "bin/hello"); nullopt if there is none (or no
// initrd).
libk::Optional<libk::ustar::Entry> find(libk::StringView path);

}  // namespace kernel::initrd
