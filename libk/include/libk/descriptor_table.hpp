// A process's file descriptor table (docs/processes.md, "Descriptors"): a fixed number of
// slots, each empty or holding a reference to an open-file description. Several slots (and
// several tables, once processes inherit them) may refer to one description, which counts
// its references: `Refs` says how (Refs::retain(File*) and Refs::release(File*)), so the
// table itself only decides which slot gets what.
//
// Semantics (POSIX.1-2017 open(), dup2(), close()):
//   install   the lowest free slot; TooMany if every slot is in use
//   dup(a)    the lowest free slot refers to a's description too
//   dup2(a,b) b refers to a's description; what b held before is released; dup2(a, a)
//             returns a and changes nothing (when a is open)
//   close     empties a slot and releases its reference
//   clear     closes every slot (the process ends)
//   inherit   an empty table gets every slot of another (fork), or its first few (spawn),
//             sharing each description
//
// Pure logic: no allocation, no globals; host-tested (tests/host/descriptor_table_test.cpp).
// Not synchronised: kernel/fs/vfs.hpp's FileTable wraps it in a lock, for the threads of a
// process.
#pragma once

#include <libk/assert.hpp>
#include <libk/result.hpp>

namespace libk {

enum class DescriptorError : u8 { Bad, TooMany };

template <typename File, typename Refs, usize N>
class DescriptorTable {
 public:
  static constexpr usize kSize = N;

  constexpr DescriptorTable() = default;
  DescriptorTable(const DescriptorTable&) = delete;
  DescriptorTable& operator=(const DescriptorTable&) = delete;
  ~DescriptorTable() { DEBUG_ASSERT(used() == 0); }

  // Takes over the caller's reference to `file` (non-null) on success.
  [[nodiscard]] Result<usize, DescriptorError> install(File* file) {
    VERIFY(file != nullptr);
    for (usize fd = 0; fd < N; ++fd) {
      if (slots_[fd] != nullptr) continue;
      slots_[fd] = file;
      return fd;
    }
    return libk::unexpected(DescriptorError::TooMany);
  }

  // The description behind `fd` (the table keeps its reference), or nullptr.
  File* get(u64 fd) const { return fd < N ? slots_[fd] : nullptr; }

  [[nodiscard]] Result<void, DescriptorError> close(u64 fd) {
    File* file = get(fd);
    if (file == nullptr) return libk::unexpected(DescriptorError::Bad);
    slots_[fd] = nullptr;
    Refs::release(file);
    return {};
  }

  [[nodiscard]] Result<usize, DescriptorError> dup(u64 fd) {
    File* file = get(fd);
    if (file == nullptr) return libk::unexpected(DescriptorError::Bad);
    Refs::retain(file);
    auto slot = install(file);
    if (!slot) Refs::release(file);
    return slot;
  }

  [[nodiscard]] Result<usize, DescriptorError> dup2(u64 old_fd, u64 new_fd) {
    File* file = get(old_fd);
    if (file == nullptr || new_fd >= N) return libk::unexpected(DescriptorError::Bad);
    if (old_fd == new_fd) return usize(new_fd);
    Refs::retain(file);
    File* previous = slots_[new_fd];
    slots_[new_fd] = file;
    if (previous != nullptr) Refs::release(previous);
    return usize(new_fd);
  }

  // This table, which must be empty, refers to the same description as `parent` in every
  // slot (POSIX fork(): the child's descriptors share the parent's open-file descriptions,
  // offsets included), or in the first `count` slots only (spawn: the standard three).
  void inherit(const DescriptorTable& parent, usize count = N) {
    VERIFY(used() == 0 && count <= N);
    for (usize fd = 0; fd < count; ++fd) {
      if (parent.slots_[fd] == nullptr) continue;
      Refs::retain(parent.slots_[fd]);
      slots_[fd] = parent.slots_[fd];
    }
  }

  void clear() {
    for (usize fd = 0; fd < N; ++fd)
      if (slots_[fd] != nullptr) (void)close(fd);
  }

  usize used() const {
    usize n = 0;
    for (File* f : slots_) n += f != nullptr;
    return n;
  }

 private:
  File* slots_[N] = {};
};

}  // namespace libk
