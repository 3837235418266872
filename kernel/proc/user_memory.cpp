#include "proc/user_memory.hpp"

#include <boot/address_space.hpp>
#include <hal/user_mode.hpp>

#include "proc/address_space.hpp"
#include "proc/process.hpp"

namespace kernel::proc {

bool user_range(u64 address, u64 bytes) {
  return boot::layout::kUserSpace.contains_range(address, bytes);
}

namespace {

// A kernel thread has no user memory of its own; it may be running on the tables of the
// process that ran before it (the scheduler's lazy TLB), whose memory is not its to touch.
bool caller_has_user_memory() {
  AddressSpace* space = current_address_space();
  return space != nullptr && space->live();
}

}  // namespace

libk::Result<void, abi::Error> copy_from_user(void* dst, u64 user_src, u64 bytes) {
  if (!user_range(user_src, bytes) || !caller_has_user_memory())
    return libk::unexpected(abi::Error::Fault);
  if (hal_copy_user(dst, reinterpret_cast<const void*>(user_src), bytes) != 0)
    return libk::unexpected(abi::Error::Fault);
  return {};
}

libk::Result<void, abi::Error> copy_to_user(u64 user_dst, const void* src, u64 bytes) {
  if (!user_range(user_dst, bytes) || !caller_has_user_memory())
    return libk::unexpected(abi::Error::Fault);
  if (hal_copy_user(reinterpret_cast<void*>(user_dst), src, bytes) != 0)
    return libk::unexpected(abi::Error::Fault);
  return {};
}

libk::Result<usize, abi::Error> copy_string_from_user(char* dst, u64 user_src, usize capacity) {
  if (capacity == 0) return libk::unexpected(abi::Error::NameTooLong);
  if (!caller_has_user_memory()) return libk::unexpected(abi::Error::Fault);
  // The string may end anywhere before the end of user space: copy no further than that.
  u64 limit = boot::layout::kUserSpace.size;
  if (user_src >= limit) return libk::unexpected(abi::Error::Fault);
  u64 room = libk::min<u64>(capacity, limit - user_src);
  i64 n = hal_copy_user_string(dst, reinterpret_cast<const char*>(user_src), room);
  if (n < 0) return libk::unexpected(abi::Error::Fault);
  if (u64(n) == room) {  // no NUL within reach
    dst[0] = 0;
    return libk::unexpected(room < capacity ? abi::Error::Fault : abi::Error::NameTooLong);
  }
  return usize(n);
}

}  // namespace kernel::proc
