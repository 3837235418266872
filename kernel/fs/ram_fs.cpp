#include "fs/ram_fs.hpp"

#include <libk/path.hpp>

#include "boot.hpp"
#include "log.hpp"
#include "memory/heap.hpp"
#include "memory/pmm.hpp"

namespace kernel::fs::ram_fs {

namespace {

using libk::StringView;
using libk::ramfs::Ino;
using libk::ramfs::Kind;

// Blocks are single frames, reached through the direct map.
class FrameBlocks final : public libk::ramfs::BlockAllocator {
 public:
  void* allocate() override {
    auto phys = pmm::allocate(0);
    return phys ? boot_info::physical_to_virtual<void>(*phys) : nullptr;
  }
  void free(void* block) override {
    pmm::free(reinterpret_cast<u64>(block) - boot::kDirectMapBase, 0);
  }
};

constinit FrameBlocks frames;

// A path below the mount point split into the directory to look in and the last name.
struct Split {
  StringView directory;
  StringView name;
};

Split split(StringView path) { return {libk::path::parent(path), libk::path::base_name(path)}; }

class RamFs final : public FileSystem {
 public:
  bool init() EXCLUDES(lock_);
  Result<Vnode*> lookup(StringView path) override EXCLUDES(lock_);
  Result<Vnode*> create(StringView path, bool exclusive) override EXCLUDES(lock_);
  Result<void> mkdir(StringView path) override EXCLUDES(lock_);
  Result<void> unlink(StringView path) override EXCLUDES(lock_);
  Result<void> rmdir(StringView path) override EXCLUDES(lock_);
  Result<void> rename(StringView from, StringView to) override EXCLUDES(lock_);
  libk::ramfs::Usage usage() EXCLUDES(lock_);

  // Runs `op` on the file system under the lock (for the vnodes).
  template <typename Op>
  auto locked(Op op) EXCLUDES(lock_) {
    MutexLocker lock(lock_);
    return op(*fs_);
  }

 private:
  Result<Ino> walk_locked(StringView path) REQUIRES(lock_);
  Result<Vnode*> vnode_locked(Ino ino) REQUIRES(lock_);

  Mutex lock_{"ram fs"};
  libk::ramfs::FileSystem* fs_ GUARDED_BY(lock_) = nullptr;
};

constinit RamFs instance;

// One open of a file or directory: it keeps the inode alive (libk::ramfs open count).
class RamVnode final : public Vnode {
 public:
  RamVnode(Ino ino, Kind kind) : ino_(ino), kind_(kind) {}
  abi::FileType type() const override {
    return kind_ == Kind::Directory ? abi::FileType::Directory : abi::FileType::File;
  }
  abi::Stat stat() const override {
    return instance.locked([&](auto& fs) { return fs.stat(ino_); });
  }
  Result<usize> read(u64 offset, libk::Span<u8> out) override {
    return instance.locked([&](auto& fs) { return fs.read(ino_, offset, out); });
  }
  Result<usize> write(u64 offset, libk::Bytes in) override {
    return instance.locked([&](auto& fs) { return fs.write(ino_, offset, in); });
  }
  bool writable() const override { return kind_ == Kind::File; }
  // The whole write under the file system's lock: no other writer can come between finding
  // the end and appending, or split the write. The source copies from user memory meanwhile
  // (a page fault then may sleep with the lock held, which only writers of /tmp wait for).
  Result<usize> write_from(WriteSource& source, u64 offset, bool append, u64& end) override {
    return instance.locked([&](auto& fs) -> Result<usize> {
      u64 at = append ? fs.stat(ino_).size : offset;
      return write_in_pieces(source, at, end,
                             [&](u64 to, libk::Bytes in) { return fs.write(ino_, to, in); });
    });
  }
  // The whole read under the file system's lock, so that no write comes between its pieces.
  // The sink copies to user memory meanwhile (a fault may sleep with the lock held, as in
  // write_from).
  Result<usize> read_to(ReadSink& sink, u64 offset, usize length) override {
    return instance.locked([&](auto& fs) -> Result<usize> {
      return read_in_pieces(sink, offset, length,
                            [&](u64 at, libk::Span<u8> out) { return fs.read(ino_, at, out); });
    });
  }
  Result<void> truncate(u64 size) override {
    return instance.locked([&](auto& fs) { return fs.truncate(ino_, size); });
  }
  Result<bool> readdir(u64 index, abi::DirEntry& out) override {
    return instance.locked([&](auto& fs) { return fs.readdir(ino_, index, out); });
  }
  void closed() override {
    instance.locked([&](auto& fs) { fs.close(ino_); });
    delete this;
  }

 private:
  Ino ino_;
  Kind kind_;
};

bool RamFs::init() {
  auto* table = new (heap::nothrow) libk::ramfs::Inode[kMaxInodes];
  if (table == nullptr) return false;
  auto* fs = new (heap::nothrow)
      libk::ramfs::FileSystem({table, kMaxInodes}, frames, libk::kPageSize, kMaxBytes);
  if (fs == nullptr) {
    delete[] table;
    return false;
  }
  MutexLocker lock(lock_);
  fs_ = fs;
  return true;
}

// The inode at `path` ("" the root), looking each component up in turn.
Result<Ino> RamFs::walk_locked(StringView path) {
  lock_.assert_held();
  Ino ino = libk::ramfs::FileSystem::kRoot;
  libk::path::Components names(path);
  for (StringView name = names.next(); !name.empty(); name = names.next())
    ino = TRY(fs_->lookup(ino, name));
  return ino;
}

Result<Vnode*> RamFs::vnode_locked(Ino ino) {
  lock_.assert_held();
  auto* node = new (heap::nothrow) RamVnode(ino, fs_->kind(ino));
  if (node == nullptr) return libk::unexpected(Error::NoMemory);
  fs_->open(ino);
  return node;
}

Result<Vnode*> RamFs::lookup(StringView path) {
  MutexLocker lock(lock_);
  Ino ino = TRY(walk_locked(path));
  return vnode_locked(ino);
}

// O_CREAT: looking up and creating under one lock hold, so two creators of one name get one
// file (and O_EXCL fails for exactly one of them).
Result<Vnode*> RamFs::create(StringView path, bool exclusive) {
  if (path.empty()) return libk::unexpected(exclusive ? Error::Exists : Error::IsDirectory);
  Split s = split(path);
  MutexLocker lock(lock_);
  Ino dir = TRY(walk_locked(s.directory));
  auto existing = fs_->lookup(dir, s.name);
  if (existing && exclusive) return libk::unexpected(Error::Exists);
  if (existing) return vnode_locked(existing.value());
  if (existing.error() != Error::NoEntry) return libk::unexpected(existing.error());
  Ino ino = TRY(fs_->create(dir, s.name, Kind::File));
  auto node = vnode_locked(ino);
  if (!node) (void)fs_->unlink(dir, s.name);
  return node;
}

Result<void> RamFs::mkdir(StringView path) {
  Split s = split(path);
  MutexLocker lock(lock_);
  Ino dir = TRY(walk_locked(s.directory));
  TRY(fs_->create(dir, s.name, Kind::Directory));
  return {};
}

Result<void> RamFs::unlink(StringView path) {
  Split s = split(path);
  MutexLocker lock(lock_);
  Ino dir = TRY(walk_locked(s.directory));
  return fs_->unlink(dir, s.name);
}

Result<void> RamFs::rmdir(StringView path) {
  Split s = split(path);
  MutexLocker lock(lock_);
  Ino dir = TRY(walk_locked(s.directory));
  return fs_->rmdir(dir, s.name);
}

Result<void> RamFs::rename(StringView from, StringView to) {
  Split a = split(from), b = split(to);
  MutexLocker lock(lock_);
  Ino from_dir = TRY(walk_locked(a.directory));
  Ino to_dir = TRY(walk_locked(b.directory));
  return fs_->rename(from_dir, a.name, to_dir, b.name);
}

libk::ramfs::Usage RamFs::usage() {
  MutexLocker lock(lock_);
  return fs_ != nullptr ? fs_->usage() : libk::ramfs::Usage{};
}

}  // namespace

bool init() {
  if (instance.init()) {
    log::info("fs: RAM file system at /tmp: {} KiB, {} inodes", kMaxBytes / libk::KiB, kMaxInodes);
    return true;
  }
  log::warn("fs: no memory for the RAM file system; /tmp is not mounted");
  return false;
}

FileSystem& file_system() { return instance; }

libk::ramfs::Usage usage() { return instance.usage(); }

}  // namespace kernel::fs::ram_fs
