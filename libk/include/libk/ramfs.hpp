// The RAM file system's logic (docs/vfs.md, "The RAM file system"): inodes for files and
// directories in a table the owner provides, file data in fixed-size blocks from an injected
// allocator, and directories stored as files of fixed-size entries.
//
// Layout. An inode holds its type, its link count (names that refer to it), its open count
// (open-file descriptions and current directories that use it), its size, its parent (a
// directory's, for "..") and kIndexSlots pointers to index blocks; an index block holds
// block_size / 8 pointers to data blocks. A data block that was never written (a hole) is
// not allocated and reads as zeros, so writing past the end costs only the blocks written.
// Bytes past the end of a file inside its last block are kept zero, so a file that grows
// again shows zeros there. A directory's data is an array of Record (an inode number and a
// name); removing an entry moves the last one into its place.
//
// Limits, each an error rather than exhausted memory: every block (data, index, directory)
// counts block_size bytes against `max_bytes` (NoSpace), the inode table's size bounds how
// many files and directories exist (NoSpace), names are at most kMaxName bytes (NameTooLong),
// a file at most max_file_size() bytes (NoSpace). An allocator that runs dry also gives
// NoSpace.
//
// Lifetime (POSIX unlink()): an inode is freed when it has no link and no opener, so a file
// unlinked while open stays readable and writable until its last close.
//
// Pure logic, no globals, not synchronised (the kernel holds a lock around each call);
// host-tested against a model (tests/host/ramfs_test.cpp).
#pragma once

#include <abi/syscalls.hpp>

#include <libk/result.hpp>
#include <libk/span.hpp>
#include <libk/string_view.hpp>

namespace libk::ramfs {

using Ino = u32;
template <typename T>
using Result = libk::Result<T, abi::Error>;

inline constexpr usize kMaxName = abi::kMaxName;
inline constexpr usize kIndexSlots = 8;

// Where blocks come from: each `block_size` bytes, any contents. allocate() returns nullptr
// when nothing is left.
class BlockAllocator {
 public:
  virtual void* allocate() = 0;
  virtual void free(void* block) = 0;

 protected:
  ~BlockAllocator() = default;
};

enum class Kind : u8 { Free, File, Directory };

struct Inode {
  Kind kind = Kind::Free;
  u32 links = 0;
  u32 opens = 0;
  Ino parent = 0;
  u64 size = 0;
  void* index[kIndexSlots] = {};
};

// One directory entry as stored in a directory's data.
struct Record {
  Ino ino;
  u8 length;
  char name[kMaxName];
};

struct Usage {
  u64 bytes;   // blocks in use times block_size
  u32 inodes;  // inodes in use, the root included
};

class FileSystem {
 public:
  // `inodes` (at least one entry: the root) is the inode table; `block_size` a multiple of
  // 8, at least 64.
  FileSystem(Span<Inode> inodes, BlockAllocator& blocks, usize block_size, u64 max_bytes);
  FileSystem(const FileSystem&) = delete;
  FileSystem& operator=(const FileSystem&) = delete;

  static constexpr Ino kRoot = 0;

  // Names: not empty, not "." or "..", no "/" or NUL (Invalid), at most kMaxName bytes.
  [[nodiscard]] Result<Ino> lookup(Ino dir, StringView name) const;
  // A new, empty file or directory named `name` in `dir`: Exists, NoSpace, NoEntry (`dir`
  // was removed), NotDirectory.
  [[nodiscard]] Result<Ino> create(Ino dir, StringView name, Kind kind);
  // Removes the name of a file (IsDirectory for a directory) or of an empty directory
  // (NotDirectory for a file, NotEmpty).
  [[nodiscard]] Result<void> unlink(Ino dir, StringView name);
  [[nodiscard]] Result<void> rmdir(Ino dir, StringView name);
  // POSIX rename(): replaces an existing target of the same kind (an empty directory),
  // IsDirectory/NotDirectory for a kind mismatch, Invalid for a directory moved below itself.
  [[nodiscard]] Result<void> rename(Ino from_dir, StringView from, Ino to_dir, StringView to);

  // File data. read: the bytes read (0 at or past the end). write: the bytes written, fewer
  // than asked when space ran out (NoSpace if none). IsDirectory on a directory.
  [[nodiscard]] Result<usize> read(Ino file, u64 offset, Span<u8> out) const;
  [[nodiscard]] Result<usize> write(Ino file, u64 offset, Bytes in);
  [[nodiscard]] Result<void> truncate(Ino file, u64 size);
  // The index-th entry of `dir` (false past the end).
  [[nodiscard]] Result<bool> readdir(Ino dir, u64 index, abi::DirEntry& out) const;
  abi::Stat stat(Ino ino) const;
  Kind kind(Ino ino) const { return inode(ino).kind; }
  // The directory containing `dir` (the root's is the root).
  Ino parent(Ino dir) const { return inode(dir).parent; }

  // An opener starts or stops using `ino` (which must be in use).
  void open(Ino ino);
  void close(Ino ino);

  Usage usage() const { return {blocks_used_ * block_size_, inodes_used_}; }
  u64 max_file_size() const { return kIndexSlots * pointers_per_block() * block_size_; }
  usize block_size() const { return block_size_; }

 private:
  const Inode& inode(Ino ino) const;
  Inode& inode(Ino ino);
  usize pointers_per_block() const { return block_size_ / sizeof(void*); }
  void* new_block();
  void drop_block(void* block);
  u8* data_block(const Inode& node, u64 block) const;
  Result<u8*> data_block_for_write(Inode& node, u64 block);
  usize write_some(Inode& node, u64 offset, Bytes in);
  void free_from(Inode& node, u64 first_block);
  void zero_tail(Inode& node);
  // Cuts the file to `size` (at most its size): blocks past it freed, the tail zeroed.
  void shrink(Inode& node, u64 size);
  usize read_bytes(const Inode& node, u64 offset, Span<u8> out) const;
  Result<Ino> new_inode(Kind kind, Ino parent);
  void maybe_free(Ino ino);

  // Directories (ramfs_directory.cpp).
  u64 entries(const Inode& dir) const { return dir.size / sizeof(Record); }
  Record record(const Inode& dir, u64 index) const;
  bool find(const Inode& dir, StringView name, u64& index) const;
  Result<void> add_entry(Ino dir, StringView name, Ino ino);
  void remove_entry(Ino dir, u64 index);
  Result<Inode*> directory(Ino dir);
  Result<const Inode*> directory(Ino dir) const;
  bool is_below(Ino dir, Ino ancestor) const;
  Result<void> remove_name(Ino dir, StringView name, Kind kind);
  Result<void> replace_target(Ino from_ino, Ino to_dir, StringView to, bool& replaced);

  Span<Inode> inodes_;
  BlockAllocator& blocks_;
  usize block_size_;
  u64 max_blocks_;
  u64 blocks_used_ = 0;
  u32 inodes_used_ = 0;
};

// Name rules shared with the VFS.
[[nodiscard]] Result<void> check_name(StringView name);

}  // namespace libk::ramfs
