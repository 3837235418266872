// The mount table and the VFS's internal pieces shared by its files (docs/vfs.md).
#pragma once

#include "fs/vfs.hpp"

namespace kernel::fs {

// Mounts the initrd at "/", the RAM file system at "/tmp" and the devices at "/dev". Call
// once at boot before the first process; the table does not change afterwards, so lookups
// read it without a lock. Context: thread.
void init();

// A new open-file description with one reference (nullptr: out of memory). vfs.cpp.
OpenFile* new_open_file(Vnode& node, u64 flags);

}  // namespace kernel::fs
