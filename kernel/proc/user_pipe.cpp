#include "proc/user_pipe.hpp"

#include "proc/user_memory.hpp"

namespace kernel::proc {

namespace {

// A user buffer as the pipe's other side.
class UserMemory final : public fs::pipe::Memory {
 public:
  UserMemory(u64 address, u64 length) : address_(address), length_(length) {}
  usize size() const override { return length_; }
  fs::Result<void> take(usize offset, libk::Span<u8> to) override {
    return copy_from_user(to.data(), address_ + offset, to.size());
  }
  fs::Result<void> give(usize offset, libk::Bytes from) override {
    return copy_to_user(address_ + offset, from.data(), from.size());
  }

 private:
  u64 address_;
  u64 length_;
};

}  // namespace

libk::Result<usize, abi::Error> read_pipe(fs::OpenFile& end, u64 buffer, u64 length) {
  UserMemory into(buffer, length);
  return fs::pipe::read(end, into);
}

libk::Result<usize, abi::Error> write_pipe(fs::OpenFile& end, u64 buffer, u64 length) {
  UserMemory from(buffer, length);
  return fs::pipe::write(end, from);
}

}  // namespace kernel::proc
