// The RAM file system's directories (libk/ramfs.hpp): a directory's data is an array of
// Record, looked up by a linear scan; names are unique within a directory.
#include <libk/ramfs.hpp>
#include <libk/utility.hpp>

namespace libk::ramfs {

using abi::Error;

namespace {

bool same_name(const Record& r, StringView name) { return StringView(r.name, r.length) == name; }

Record make_record(Ino ino, StringView name) {
  Record r{};
  r.ino = ino;
  r.length = u8(name.size());
  __builtin_memcpy(r.name, name.data(), name.size());
  return r;
}

Bytes bytes_of(const Record& r) { return {reinterpret_cast<const u8*>(&r), sizeof(r)}; }

}  // namespace

Record FileSystem::record(const Inode& dir, u64 index) const {
  Record r{};
  usize n = read_bytes(dir, index * sizeof(Record), {reinterpret_cast<u8*>(&r), sizeof(r)});
  VERIFY(n == sizeof(r) && r.length <= kMaxName);
  return r;
}

bool FileSystem::find(const Inode& dir, StringView name, u64& index) const {
  for (u64 i = 0; i < entries(dir); ++i) {
    if (!same_name(record(dir, i), name)) continue;
    index = i;
    return true;
  }
  return false;
}

Result<Inode*> FileSystem::directory(Ino dir) {
  Inode& node = inode(dir);
  if (node.kind != Kind::Directory) return libk::unexpected(Error::NotDirectory);
  return &node;
}

Result<const Inode*> FileSystem::directory(Ino dir) const {
  const Inode& node = inode(dir);
  if (node.kind != Kind::Directory) return libk::unexpected(Error::NotDirectory);
  return &node;
}

// Appends an entry; on NoSpace the directory is as it was.
Result<void> FileSystem::add_entry(Ino dir, StringView name, Ino ino) {
  Inode& node = inode(dir);
  u64 size = node.size;
  Record r = make_record(ino, name);
  if (size + sizeof(r) <= max_file_size() && write_some(node, size, bytes_of(r)) == sizeof(r))
    return {};
  shrink(node, size);  // a part of the record may have been written
  return libk::unexpected(Error::NoSpace);
}

// Removes entry `index`: the last entry moves into its place, the directory shrinks.
void FileSystem::remove_entry(Ino dir, u64 index) {
  Inode& node = inode(dir);
  u64 last = entries(node) - 1;
  if (index != last) {
    Record moved = record(node, last);
    VERIFY(write_some(node, index * sizeof(Record), bytes_of(moved)) == sizeof(Record));
  }
  shrink(node, last * sizeof(Record));
}

Result<Ino> FileSystem::lookup(Ino dir, StringView name) const {
  TRY(check_name(name));
  const Inode* node = TRY(directory(dir));
  u64 index = 0;
  if (!find(*node, name, index)) return libk::unexpected(Error::NoEntry);
  return record(*node, index).ino;
}

Result<Ino> FileSystem::create(Ino dir, StringView name, Kind kind) {
  VERIFY(kind != Kind::Free);
  TRY(check_name(name));
  const Inode* node = TRY(directory(dir));
  if (node->links == 0) return libk::unexpected(Error::NoEntry);  // removed while in use
  u64 index = 0;
  if (find(*node, name, index)) return libk::unexpected(Error::Exists);
  Ino ino = TRY(new_inode(kind, dir));
  if (auto r = add_entry(dir, name, ino); !r) {
    maybe_free(ino);
    return libk::unexpected(r.error());
  }
  inode(ino).links = 1;
  return ino;
}

Result<void> FileSystem::remove_name(Ino dir, StringView name, Kind kind) {
  TRY(check_name(name));
  const Inode* node = TRY(directory(dir));
  u64 index = 0;
  if (!find(*node, name, index)) return libk::unexpected(Error::NoEntry);
  Ino ino = record(*node, index).ino;
  Inode& target = inode(ino);
  if (kind == Kind::File && target.kind == Kind::Directory)
    return libk::unexpected(Error::IsDirectory);
  if (kind == Kind::Directory && target.kind != Kind::Directory)
    return libk::unexpected(Error::NotDirectory);
  if (target.kind == Kind::Directory && entries(target) != 0)
    return libk::unexpected(Error::NotEmpty);
  remove_entry(dir, index);
  --target.links;
  maybe_free(ino);
  return {};
}

Result<void> FileSystem::unlink(Ino dir, StringView name) {
  return remove_name(dir, name, Kind::File);
}

Result<void> FileSystem::rmdir(Ino dir, StringView name) {
  return remove_name(dir, name, Kind::Directory);
}

// Whether `dir` is `ancestor` or lies below it.
bool FileSystem::is_below(Ino dir, Ino ancestor) const {
  for (;;) {
    if (dir == ancestor) return true;
    if (dir == kRoot) return false;
    dir = inode(dir).parent;
  }
}

// If `to` exists in `to_dir`, it is checked against the moving inode and its entry made to
// name `from_ino` instead (`replaced`); nothing is allocated.
Result<void> FileSystem::replace_target(Ino from_ino, Ino to_dir, StringView to, bool& replaced) {
  Inode& dir = inode(to_dir);
  u64 index = 0;
  replaced = find(dir, to, index);
  if (!replaced) return {};
  Ino old = record(dir, index).ino;
  Inode& target = inode(old);
  bool moving_directory = inode(from_ino).kind == Kind::Directory;
  if (moving_directory && target.kind != Kind::Directory)
    return libk::unexpected(Error::NotDirectory);
  if (!moving_directory && target.kind == Kind::Directory)
    return libk::unexpected(Error::IsDirectory);
  if (target.kind == Kind::Directory && entries(target) != 0)
    return libk::unexpected(Error::NotEmpty);
  Record r = make_record(from_ino, to);
  VERIFY(write_some(dir, index * sizeof(Record), bytes_of(r)) == sizeof(Record));
  --target.links;
  maybe_free(old);
  return {};
}

Result<void> FileSystem::rename(Ino from_dir, StringView from, Ino to_dir, StringView to) {
  TRY(check_name(from));
  TRY(check_name(to));
  TRY(directory(from_dir));
  const Inode* destination = TRY(directory(to_dir));
  Ino ino = TRY(lookup(from_dir, from));
  if (destination->links == 0) return libk::unexpected(Error::NoEntry);
  if (auto same = lookup(to_dir, to); same && same.value() == ino) return {};
  bool moving_directory = inode(ino).kind == Kind::Directory;
  if (moving_directory && is_below(to_dir, ino)) return libk::unexpected(Error::Invalid);
  bool replaced = false;
  TRY(replace_target(ino, to_dir, to, replaced));
  if (!replaced) TRY(add_entry(to_dir, to, ino));
  u64 index = 0;
  VERIFY(find(inode(from_dir), from, index));
  remove_entry(from_dir, index);
  if (moving_directory) inode(ino).parent = to_dir;
  return {};
}

Result<bool> FileSystem::readdir(Ino dir, u64 index, abi::DirEntry& out) const {
  const Inode* node = TRY(directory(dir));
  if (index >= entries(*node)) return false;
  Record r = record(*node, index);
  abi::Stat s = stat(r.ino);
  out.type = s.type;
  out.reserved = 0;
  out.size = s.size;
  __builtin_memcpy(out.name, r.name, r.length);
  out.name[r.length] = 0;
  return true;
}

}  // namespace libk::ramfs
