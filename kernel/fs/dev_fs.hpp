// The devices at "/dev" (docs/vfs.md): a directory holding "console" (kernel/tty/).
#pragma once

#include "fs/vfs.hpp"

namespace kernel::fs::dev_fs {

FileSystem& file_system();

}  // namespace kernel::fs::dev_fs
