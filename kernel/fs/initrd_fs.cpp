#include "fs/initrd_fs.hpp"

#include <libk/path.hpp>

#include "memory/heap.hpp"
#include "proc/initrd.hpp"

namespace kernel::fs::initrd_fs {

namespace {

using libk::StringView;
using libk::ustar::Entry;
using libk::ustar::EntryType;

// Calls visit(entry) for each entry of the archive (validated at boot: the walk cannot fail)
// until it returns false.
template <typename Visit>
void each_entry(Visit visit) {
  libk::ustar::Reader reader(initrd::archive());
  for (;;) {
    auto entry = reader.next();
    if (!entry || !entry.value()) return;
    if (!visit(*entry.value())) return;
  }
}

// The name of the child of `dir` that `path` lies in ("bin", "bin/x/y" → "x"), if any.
bool child_name(StringView dir, StringView path, StringView& name, bool& deeper) {
  StringView rest;
  if (!libk::path::inside(dir, path, rest)) return false;
  usize slash = rest.find('/');
  deeper = slash != StringView::npos;
  name = deeper ? rest.substr(0, slash) : rest;
  return true;
}

void copy_name(char (&out)[abi::kMaxName + 1], StringView name) {
  usize n = libk::min(name.size(), abi::kMaxName);
  for (usize i = 0; i < n; ++i) out[i] = name[i];
  out[n] = 0;
}

class FileNode final : public Vnode {
 public:
  FileNode(libk::Bytes data, u32 mode) : data_(data), mode_(mode) {}
  abi::FileType type() const override { return abi::FileType::File; }
  abi::Stat stat() const override { return {abi::FileType::File, mode_, data_.size()}; }
  Result<usize> read(u64 offset, libk::Span<u8> out) override {
    if (offset >= data_.size()) return usize(0);
    usize n = libk::min<u64>(out.size(), data_.size() - offset);
    __builtin_memcpy(out.data(), data_.data() + offset, n);
    return n;
  }
  void closed() override { delete this; }

 private:
  libk::Bytes data_;
  u32 mode_;
};

class DirectoryNode final : public Vnode {
 public:
  explicit DirectoryNode(StringView path, u32 mode) : mode_(mode) {
    length_ = libk::min(path.size(), sizeof(path_));
    __builtin_memcpy(path_, path.data(), length_);
  }
  abi::FileType type() const override { return abi::FileType::Directory; }
  abi::Stat stat() const override { return {abi::FileType::Directory, mode_, 0}; }
  Result<usize> read(u64, libk::Span<u8>) override { return libk::unexpected(Error::IsDirectory); }
  Result<bool> readdir(u64 index, abi::DirEntry& out) override;
  void closed() override { delete this; }

 private:
  bool seen_before(StringView name, u64 position) const;
  char path_[libk::path::kMaxPath];
  usize length_;
  u32 mode_;
};

// Whether an entry before archive position `position` already named the child `name`.
bool DirectoryNode::seen_before(StringView name, u64 position) const {
  StringView dir(path_, length_);
  bool seen = false;
  u64 at = 0;
  each_entry([&](const Entry& e) {
    if (at++ == position) return false;
    StringView other;
    bool deeper = false;
    if (child_name(dir, e.path(), other, deeper) && other == name) seen = true;
    return !seen;
  });
  return seen;
}

// The index-th distinct child, in the order the archive first names each. Quadratic in the
// archive's entries, which are few (the programs and a few files).
Result<bool> DirectoryNode::readdir(u64 index, abi::DirEntry& out) {
  StringView dir(path_, length_);
  u64 position = 0, found = 0;
  bool done = false;
  each_entry([&](const Entry& e) {
    u64 here = position++;
    StringView name;
    bool deeper = false;
    if (!child_name(dir, e.path(), name, deeper) || seen_before(name, here)) return true;
    if (found++ != index) return true;
    bool directory = deeper || e.type == EntryType::Directory;
    out.type = directory ? abi::FileType::Directory : abi::FileType::File;
    out.reserved = 0;
    out.size = directory ? 0 : e.data.size();
    copy_name(out.name, name);
    done = true;
    return false;
  });
  return done;
}

class InitrdFs final : public FileSystem {
 public:
  Result<Vnode*> lookup(StringView path) override { return initrd_fs::lookup(path); }
};

constinit InitrdFs instance;

}  // namespace

FileSystem& file_system() { return instance; }

Result<Vnode*> lookup(StringView normalized) {
  if (!initrd::present()) return libk::unexpected(Error::NoEntry);
  Vnode* node = nullptr;
  bool exact = false, implied = normalized.empty(), under_file = false;
  each_entry([&](const Entry& e) {
    StringView rest;
    if (e.path() == normalized && e.type != EntryType::Other) {
      if (e.type == EntryType::File)
        node = new (heap::nothrow) FileNode(e.data, e.mode);
      else
        node = new (heap::nothrow) DirectoryNode(normalized, e.mode);
      exact = true;
      return false;
    }
    if (libk::path::inside(e.path(), normalized, rest) && e.type == EntryType::File)
      under_file = true;
    if (libk::path::inside(normalized, e.path(), rest)) implied = true;
    return true;
  });
  if (exact && node == nullptr) return libk::unexpected(Error::NoMemory);
  if (node != nullptr) return node;
  if (under_file) return libk::unexpected(Error::NotDirectory);
  if (!implied) return libk::unexpected(Error::NoEntry);
  node = new (heap::nothrow) DirectoryNode(normalized, 0555);
  if (node == nullptr) return libk::unexpected(Error::NoMemory);
  return node;
}

}  // namespace kernel::fs::initrd_fs
