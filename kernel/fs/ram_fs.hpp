// The RAM file system mounted at "/tmp" (docs/vfs.md, "The RAM file system"): the logic of
// libk/ramfs.hpp over 4 KiB frames from the physical allocator, behind one mutex. Limits:
// kMaxBytes of blocks and kMaxInodes files and directories, so that filling it gives NoSpace
// long before the kernel runs out of memory.
#pragma once

#include <libk/ramfs.hpp>

#include "fs/vfs.hpp"

namespace kernel::fs::ram_fs {

inline constexpr u64 kMaxBytes = 8 * libk::MiB;
inline constexpr usize kMaxInodes = 512;

// Allocates the inode table; false (logged) when out of memory, and then nothing is mounted.
bool init();
FileSystem& file_system();
// Blocks and inodes in use now (the root directory counts as one inode).
libk::ramfs::Usage usage();

}  // namespace kernel::fs::ram_fs
