// The only way the kernel touches user memory (docs/processes.md, "User memory"): copies
// that check the range lies in user space and survive a page that is not mapped or not
// accessible (hal/x86/user_copy.S and its exception-fixup table), returning an error instead.
// With SMAP on, any other kernel access to a user page faults.
//
// Context: a user thread in the kernel (a system call), its process's tables in CR3.
#pragma once

#include <abi/syscalls.hpp>

#include <libk/result.hpp>

namespace kernel::proc {

// True if [address, address + bytes) lies in user space (no wrap, below 2^47).
bool user_range(u64 address, u64 bytes);

[[nodiscard]] libk::Result<void, abi::Error> copy_from_user(void* dst, u64 user_src, u64 bytes);
[[nodiscard]] libk::Result<void, abi::Error> copy_to_user(u64 user_dst, const void* src, u64 bytes);
// Copies a NUL-terminated string of at most `capacity - 1` bytes into dst (NUL-terminated);
// returns its length, NameTooLong if no NUL came in time, Fault on a bad pointer.
[[nodiscard]] libk::Result<usize, abi::Error> copy_string_from_user(char* dst, u64 user_src,
                                                                    usize capacity);

}  // namespace kernel::proc
