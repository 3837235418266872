// The name space (docs/vfs.md, "Path walk"): a path is resolved against the caller's
// current directory and normalised by libk/path.hpp, then the mount whose mount point is its
// longest prefix gets the rest. Normalising by name first means "/tmp/.." is "/" and
// "/tmp/x/../y" never visits x, as there are no symbolic links to make ".." mean anything
// else.
#include "fs/mounts.hpp"

#include <libk/path.hpp>

#include "fs/dev_fs.hpp"
#include "fs/initrd_fs.hpp"
#include "fs/ram_fs.hpp"
#include "memory/heap.hpp"

namespace kernel::fs {

namespace {

using libk::StringView;

struct Mount {
  StringView at;  // normalised: "" is "/"
  FileSystem* fs = nullptr;
};

constexpr usize kMaxMounts = 4;
constinit Mount mounts[kMaxMounts] = {};  // written by init() only
constinit usize mount_count = 0;

// A path resolved to a file system.
struct Resolved {
  char buffer[abi::kMaxPath + 1];
  StringView full;  // normalised, in buffer
  FileSystem* fs = nullptr;
  StringView rest;  // below the mount point
  bool mount_point = false;
};

Error path_error(libk::path::Problem p) {
  switch (p) {
    case libk::path::Problem::TooLong: return Error::NameTooLong;
    case libk::path::Problem::Empty: return Error::NoEntry;
    default: return Error::Invalid;
  }
}

// The mount with the longest mount point that is `full` or contains it.
void find_mount(Resolved& r) {
  usize best = 0;
  for (usize i = 0; i < mount_count; ++i) {
    StringView rest;
    bool here = r.full == mounts[i].at;
    if (!here && !libk::path::inside(mounts[i].at, r.full, rest)) continue;
    if (r.fs != nullptr && mounts[i].at.size() < best) continue;
    best = mounts[i].at.size();
    r.fs = mounts[i].fs;
    r.rest = here ? StringView() : rest;
    r.mount_point = here;
  }
  VERIFY(r.fs != nullptr);  // "/" is always mounted
}

Result<void> resolve(const FileTable* from, StringView path, Resolved& r) {
  char cwd[abi::kMaxPath + 1];
  usize cwd_length = from != nullptr ? from->cwd(cwd) : 0;
  auto n = libk::path::resolve({cwd, cwd_length}, path, r.buffer);
  if (!n) return libk::unexpected(path_error(n.error()));
  r.full = StringView(r.buffer, n.value());
  find_mount(r);
  return {};
}

bool may_write(u64 flags) { return (flags & (abi::kOpenWrite | abi::kOpenReadWrite)) != 0; }

// Whether `node` may be opened with `flags`, and O_TRUNC applied.
Result<void> prepare(Vnode& node, u64 flags) {
  if (!may_write(flags)) return {};
  if (node.type() == abi::FileType::Directory) return libk::unexpected(Error::IsDirectory);
  if (node.type() == abi::FileType::Device) return {};
  if (!node.writable()) return libk::unexpected(Error::ReadOnly);
  if (flags & abi::kOpenTruncate) TRY(node.truncate(0));
  return {};
}

// The mounts whose mount point lies right below `dir` (a bit per table index).
u32 mounted_below(StringView dir) {
  u32 mask = 0;
  for (usize i = 0; i < mount_count; ++i)
    if (mounts[i].at != dir && libk::path::parent(mounts[i].at) == dir) mask |= 1u << i;
  return mask;
}

// A directory with mount points right below it ("/" has "dev" and "tmp"): its own entries,
// then the mount points' names, so that listing it shows them. Owns the inner vnode.
class WithMountPoints final : public Vnode {
 public:
  WithMountPoints(Vnode& inner, u32 mask) : inner_(inner), mask_(mask) {}
  abi::FileType type() const override { return inner_.type(); }
  abi::Stat stat() const override { return inner_.stat(); }
  Result<usize> read(u64 offset, libk::Span<u8> out) override { return inner_.read(offset, out); }
  Result<bool> readdir(u64 index, abi::DirEntry& out) override {
    if (TRY(inner_.readdir(index, out))) return true;
    u64 extra = index - TRY(own_entries());  // the inner directory ended at or before index
    for (usize i = 0; i < mount_count; ++i) {
      if ((mask_ & (1u << i)) == 0 || extra-- != 0) continue;
      out = abi::DirEntry{};
      out.type = abi::FileType::Directory;
      StringView name = libk::path::base_name(mounts[i].at);
      __builtin_memcpy(out.name, name.data(), name.size());
      return true;
    }
    return false;
  }
  void closed() override {
    inner_.closed();
    delete this;
  }

 private:
  // How many entries the inner directory has (counted once).
  Result<u64> own_entries() {
    if (own_ != kUnknown) return own_;
    abi::DirEntry scratch;
    u64 n = 0;
    while (TRY(inner_.readdir(n, scratch))) ++n;
    own_ = n;
    return n;
  }

  static constexpr u64 kUnknown = ~u64{0};
  Vnode& inner_;
  u32 mask_;
  u64 own_ = kUnknown;
};

// `node`, wrapped if mount points lie right below the directory `full`.
Result<Vnode*> with_mount_points(Vnode* node, StringView full) {
  u32 mask = node->type() == abi::FileType::Directory ? mounted_below(full) : 0;
  if (mask == 0) return node;
  auto* wrapped = new (heap::nothrow) WithMountPoints(*node, mask);
  if (wrapped == nullptr) {
    node->closed();
    return libk::unexpected(Error::NoMemory);
  }
  return wrapped;
}

}  // namespace

void init() {
  VERIFY(mount_count == 0);
  mounts[mount_count++] = {"", &initrd_fs::file_system()};
  mounts[mount_count++] = {"dev", &dev_fs::file_system()};
  if (ram_fs::init()) mounts[mount_count++] = {"tmp", &ram_fs::file_system()};
}

Result<OpenFile*> open(StringView path, u64 flags, const FileTable* from) {
  if (flags & ~abi::kOpenKnown) return libk::unexpected(Error::Invalid);
  Resolved r;
  TRY(resolve(from, path, r));
  Vnode* node = nullptr;
  if (flags & abi::kOpenCreate)
    node = TRY(r.fs->create(r.rest, (flags & abi::kOpenExclusive) != 0));
  else
    node = TRY(r.fs->lookup(r.rest));
  node = TRY(with_mount_points(node, r.full));
  if (auto ok = prepare(*node, flags); !ok) {
    node->closed();
    return libk::unexpected(ok.error());
  }
  OpenFile* f = new_open_file(*node, flags);
  if (f == nullptr) {
    node->closed();
    return libk::unexpected(Error::NoMemory);
  }
  return f;
}

Result<abi::Stat> stat(StringView path, const FileTable* from) {
  Resolved r;
  TRY(resolve(from, path, r));
  Vnode* node = TRY(r.fs->lookup(r.rest));
  abi::Stat s = node->stat();
  node->closed();
  return s;
}

Result<void> mkdir(StringView path, const FileTable* from) {
  Resolved r;
  TRY(resolve(from, path, r));
  if (r.mount_point) return libk::unexpected(Error::Exists);
  return r.fs->mkdir(r.rest);
}

Result<void> unlink(StringView path, const FileTable* from) {
  Resolved r;
  TRY(resolve(from, path, r));
  if (r.mount_point) return libk::unexpected(Error::IsDirectory);
  return r.fs->unlink(r.rest);
}

Result<void> rmdir(StringView path, const FileTable* from) {
  Resolved r;
  TRY(resolve(from, path, r));
  if (r.mount_point) return libk::unexpected(Error::Busy);
  return r.fs->rmdir(r.rest);
}

Result<void> rename(StringView old_path, StringView new_path, const FileTable* from) {
  Resolved a, b;
  TRY(resolve(from, old_path, a));
  TRY(resolve(from, new_path, b));
  if (a.mount_point || b.mount_point) return libk::unexpected(Error::Busy);
  if (a.fs != b.fs) return libk::unexpected(Error::CrossDevice);
  return a.fs->rename(a.rest, b.rest);
}

Result<void> chdir(FileTable& table, StringView path) {
  Resolved r;
  TRY(resolve(&table, path, r));
  Vnode* node = TRY(r.fs->lookup(r.rest));
  bool directory = node->type() == abi::FileType::Directory;
  node->closed();
  if (!directory) return libk::unexpected(Error::NotDirectory);
  table.set_cwd(r.full);
  return {};
}

}  // namespace kernel::fs
