// usertests' cases for the RAM file system at /tmp, current directories and descriptors
// sharing offsets (usertests_ramfs.cpp).
#pragma once

namespace ramfs_tests {

bool files();
bool append_and_seek();
bool unlink_while_open();
bool rename_and_directories();
bool current_directory();
bool full_file_system();
bool bad_paths();
bool shared_offsets();
// The children these tests start (`usertests MODE`): the exit status, or -1 if `mode` is
// not one of them.
int child(const char* mode);

}  // namespace ramfs_tests
