// The initrd as a read-only file system (docs/vfs.md): every regular file
// and directory of the USTAR archive, and the directories its paths imply ("bin" for
// "bin/cat" with no "bin/" entry of its own). Nothing can be written.
#pragma once

#include "fs/vfs.hpp"

namespace kernel::fs::initrd_fs {

// The vnode at `normalized` ("" is the root; libk/path.hpp's form), made for one open and
// freed when it closes. NoEntry, NotDirectory (a file used as a directory), NoMemory.
Result<Vnode*> lookup(libk::StringView normalized);

// The same as a mountable file system (read-only: every change is ReadOnly).
FileSystem& file_system();

}  // namespace kernel::fs::initrd_fs
