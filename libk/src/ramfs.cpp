// The RAM file system's inodes and file data (libk/ramfs.hpp); directories are in
// ramfs_directory.cpp.
#include <libk/ramfs.hpp>
#include <libk/utility.hpp>

namespace libk::ramfs {

using abi::Error;

FileSystem::FileSystem(Span<Inode> inodes, BlockAllocator& blocks, usize block_size, u64 max_bytes)
    : inodes_(inodes),
      blocks_(blocks),
      block_size_(block_size),
      max_blocks_(max_bytes / block_size) {
  VERIFY(!inodes.empty());
  VERIFY(block_size >= 64 && block_size % sizeof(void*) == 0);
  for (Inode& node : inodes_) node = Inode{};
  Inode& root = inodes_[kRoot];
  root.kind = Kind::Directory;
  root.links = 1;
  root.parent = kRoot;
  inodes_used_ = 1;
}

const Inode& FileSystem::inode(Ino ino) const {
  VERIFY(ino < inodes_.size() && inodes_[ino].kind != Kind::Free);
  return inodes_[ino];
}

Inode& FileSystem::inode(Ino ino) {
  VERIFY(ino < inodes_.size() && inodes_[ino].kind != Kind::Free);
  return inodes_[ino];
}

// A zeroed block counted against the limit, or nullptr (over the limit or none left).
void* FileSystem::new_block() {
  if (blocks_used_ >= max_blocks_) return nullptr;
  void* block = blocks_.allocate();
  if (block == nullptr) return nullptr;
  __builtin_memset(block, 0, block_size_);
  ++blocks_used_;
  return block;
}

void FileSystem::drop_block(void* block) {
  DEBUG_ASSERT(blocks_used_ > 0);
  blocks_.free(block);
  --blocks_used_;
}

// The data block holding file block `block`, or nullptr for a hole.
u8* FileSystem::data_block(const Inode& node, u64 block) const {
  u64 slot = block / pointers_per_block();
  if (slot >= kIndexSlots || node.index[slot] == nullptr) return nullptr;
  auto** index = static_cast<u8**>(node.index[slot]);
  return index[block % pointers_per_block()];
}

// The data block for `block`, allocated (with its index block) if it was a hole. An index
// block allocated here goes back if its data block cannot be had.
Result<u8*> FileSystem::data_block_for_write(Inode& node, u64 block) {
  u64 slot = block / pointers_per_block();
  if (slot >= kIndexSlots) return libk::unexpected(Error::NoSpace);
  bool new_index = node.index[slot] == nullptr;
  if (new_index && (node.index[slot] = new_block()) == nullptr)
    return libk::unexpected(Error::NoSpace);
  auto** index = static_cast<u8**>(node.index[slot]);
  u8*& data = index[block % pointers_per_block()];
  if (data == nullptr) data = static_cast<u8*>(new_block());
  if (data != nullptr) return data;
  if (new_index) {
    drop_block(node.index[slot]);
    node.index[slot] = nullptr;
  }
  return libk::unexpected(Error::NoSpace);
}

// Copies `in` to `offset` block by block until done or out of space; grows the size over
// what was written.
usize FileSystem::write_some(Inode& node, u64 offset, Bytes in) {
  usize done = 0;
  while (done < in.size()) {
    u64 at = offset + done;
    auto block = data_block_for_write(node, at / block_size_);
    if (!block) break;
    usize within = at % block_size_;
    usize n = libk::min<u64>(block_size_ - within, in.size() - done);
    __builtin_memcpy(block.value() + within, in.data() + done, n);
    done += n;
  }
  if (done > 0) node.size = libk::max<u64>(node.size, offset + done);
  return done;
}

usize FileSystem::read_bytes(const Inode& node, u64 offset, Span<u8> out) const {
  if (offset >= node.size) return 0;
  usize total = libk::min<u64>(out.size(), node.size - offset);
  for (usize done = 0; done < total;) {
    u64 at = offset + done;
    usize within = at % block_size_;
    usize n = libk::min<u64>(block_size_ - within, total - done);
    const u8* block = data_block(node, at / block_size_);
    if (block == nullptr)
      __builtin_memset(out.data() + done, 0, n);
    else
      __builtin_memcpy(out.data() + done, block + within, n);
    done += n;
  }
  return total;
}

// Frees the data blocks from file block `first_block` on, and the index blocks that then
// cover nothing kept.
void FileSystem::free_from(Inode& node, u64 first_block) {
  usize per = pointers_per_block();
  for (usize slot = 0; slot < kIndexSlots; ++slot) {
    if (node.index[slot] == nullptr) continue;
    auto** index = static_cast<u8**>(node.index[slot]);
    for (usize i = 0; i < per; ++i) {
      if (slot * per + i < first_block || index[i] == nullptr) continue;
      drop_block(index[i]);
      index[i] = nullptr;
    }
    if (slot * per >= first_block) {
      drop_block(node.index[slot]);
      node.index[slot] = nullptr;
    }
  }
}

// Zeroes the last block past the size (the layout's invariant after a shrink).
void FileSystem::zero_tail(Inode& node) {
  usize within = node.size % block_size_;
  if (within == 0) return;
  u8* block = data_block(node, node.size / block_size_);
  if (block != nullptr) __builtin_memset(block + within, 0, block_size_ - within);
}

void FileSystem::shrink(Inode& node, u64 size) {
  DEBUG_ASSERT(size <= node.size);
  node.size = size;
  zero_tail(node);
  free_from(node, (size + block_size_ - 1) / block_size_);
}

Result<usize> FileSystem::read(Ino file, u64 offset, Span<u8> out) const {
  const Inode& node = inode(file);
  if (node.kind != Kind::File) return libk::unexpected(Error::IsDirectory);
  return read_bytes(node, offset, out);
}

Result<usize> FileSystem::write(Ino file, u64 offset, Bytes in) {
  Inode& node = inode(file);
  if (node.kind != Kind::File) return libk::unexpected(Error::IsDirectory);
  if (in.empty()) return usize(0);
  if (offset >= max_file_size()) return libk::unexpected(Error::NoSpace);
  in = in.subspan(0, max_file_size() - offset);
  usize done = write_some(node, offset, in);
  if (done == 0) return libk::unexpected(Error::NoSpace);
  return done;
}

Result<void> FileSystem::truncate(Ino file, u64 size) {
  Inode& node = inode(file);
  if (node.kind != Kind::File) return libk::unexpected(Error::IsDirectory);
  if (size > max_file_size()) return libk::unexpected(Error::NoSpace);
  if (size >= node.size) {
    node.size = size;  // a hole: the tail of the last block is already zero
    return {};
  }
  shrink(node, size);
  return {};
}

abi::Stat FileSystem::stat(Ino ino) const {
  const Inode& node = inode(ino);
  if (node.kind == Kind::Directory) return {abi::FileType::Directory, 0755, 0};
  return {abi::FileType::File, 0644, node.size};
}

Result<Ino> FileSystem::new_inode(Kind kind, Ino parent) {
  for (Ino ino = 0; ino < inodes_.size(); ++ino) {
    if (inodes_[ino].kind != Kind::Free) continue;
    inodes_[ino] = Inode{};
    inodes_[ino].kind = kind;
    inodes_[ino].parent = parent;
    ++inodes_used_;
    return ino;
  }
  return libk::unexpected(Error::NoSpace);
}

// Frees `ino` once nothing names or uses it.
void FileSystem::maybe_free(Ino ino) {
  Inode& node = inode(ino);
  if (node.links != 0 || node.opens != 0 || ino == kRoot) return;
  free_from(node, 0);
  node = Inode{};
  --inodes_used_;
}

void FileSystem::open(Ino ino) { ++inode(ino).opens; }

void FileSystem::close(Ino ino) {
  Inode& node = inode(ino);
  VERIFY(node.opens > 0);
  --node.opens;
  maybe_free(ino);
}

Result<void> check_name(StringView name) {
  if (name.empty() || name == "." || name == "..") return libk::unexpected(Error::Invalid);
  for (char c : name)
    if (c == '/' || c == 0) return libk::unexpected(Error::Invalid);
  if (name.size() > kMaxName) return libk::unexpected(Error::NameTooLong);
  return {};
}

}  // namespace libk::ramfs
