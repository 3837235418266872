#include "fs/vfs.hpp"

#include <libk/path.hpp>

#include "fs/initrd_fs.hpp"
#include "memory/heap.hpp"
#include "tty/tty.hpp"

namespace kernel::fs {

namespace {

constexpr libk::StringView kConsolePath = "dev/console";

constinit u64 live_files = 0;  // atomic

Result<Vnode*> lookup(libk::StringView path) {
  char buffer[libk::path::kMaxPath + 1];
  auto n = libk::path::normalize(path, buffer);
  if (!n) {
    switch (n.error()) {
      case libk::path::Problem::TooLong: return libk::unexpected(Error::NameTooLong);
      case libk::path::Problem::Empty: return libk::unexpected(Error::NoEntry);
      default: return libk::unexpected(Error::Invalid);
    }
  }
  libk::StringView normalized(buffer, n.value());
  if (normalized == kConsolePath) return &tty::console_vnode();
  return initrd_fs::lookup(normalized);
}

OpenFile* new_open_file(Vnode& node, u64 flags) {
  auto* f = new (heap::nothrow) OpenFile(node, flags);
  if (f != nullptr) __atomic_add_fetch(&live_files, 1, __ATOMIC_RELAXED);
  return f;
}

// A device and a pipe have no offset and may block.
bool has_offset(const Vnode& node) {
  return node.type() != abi::FileType::Device && node.type() != abi::FileType::Pipe;
}

}  // namespace

// A device or a pipe is used without the offset lock, so that a thread waiting in read does
// not hold up another's write.
Result<usize> OpenFile::read(libk::Span<u8> out) {
  if (!has_offset(node_)) return node_.read(0, out);
  MutexLocker lock(offset_lock_);
  usize n = TRY(node_.read(offset_, out));
  offset_ += n;
  return n;
}

Result<usize> OpenFile::write(libk::Bytes in) {
  if ((flags_ & (abi::kOpenWrite | abi::kOpenReadWrite)) == 0)
    return libk::unexpected(Error::BadDescriptor);
  if (!has_offset(node_)) return node_.write(0, in);
  MutexLocker lock(offset_lock_);
  usize n = TRY(node_.write(offset_, in));
  offset_ += n;
  return n;
}

Result<bool> OpenFile::readdir(abi::DirEntry& out) {
  MutexLocker lock(offset_lock_);
  bool more = TRY(node_.readdir(offset_, out));
  offset_ += more;
  return more;
}

void OpenFile::retain(OpenFile* f) { __atomic_add_fetch(&f->refs_, 1, __ATOMIC_RELAXED); }

void OpenFile::release(OpenFile* f) {
  if (__atomic_sub_fetch(&f->refs_, 1, __ATOMIC_ACQ_REL) != 0) return;
  f->node_.closed();
  delete f;
  __atomic_sub_fetch(&live_files, 1, __ATOMIC_RELAXED);
}

Result<OpenFile*> open(libk::StringView path, u64 flags) {
  if (flags & ~abi::kOpenKnown) return libk::unexpected(Error::Invalid);
  Vnode* node = TRY(lookup(path));
  if (flags != abi::kOpenRead && node->type() != abi::FileType::Device) {
    node->closed();
    return libk::unexpected(Error::ReadOnly);
  }
  OpenFile* f = new_open_file(*node, flags);
  if (f == nullptr) {
    node->closed();
    return libk::unexpected(Error::NoMemory);
  }
  return f;
}

Result<OpenFile*> open_vnode(Vnode& node, u64 flags) {
  OpenFile* f = new_open_file(node, flags);
  if (f == nullptr) return libk::unexpected(Error::NoMemory);
  return f;
}

Result<abi::Stat> stat(libk::StringView path) {
  Vnode* node = TRY(lookup(path));
  abi::Stat s = node->stat();
  node->closed();
  return s;
}

FileTable* new_console_table() {
  auto* table = new (heap::nothrow) FileTable;
  if (table == nullptr) return nullptr;
  OpenFile* console = new_open_file(tty::console_vnode(), abi::kOpenReadWrite);
  if (console == nullptr) {
    delete table;
    return nullptr;
  }
  VERIFY(table->install(console).value() == 0);
  VERIFY(table->dup2(0, 1).ok() && table->dup2(0, 2).ok());
  return table;
}

FileTable* inherit_table(const FileTable& parent, usize count) {
  auto* table = new (heap::nothrow) FileTable;
  if (table != nullptr) table->inherit(parent, count);
  return table;
}

void delete_table(FileTable* table) {
  if (table == nullptr) return;
  table->clear();
  delete table;
}

u64 open_files() { return __atomic_load_n(&live_files, __ATOMIC_RELAXED); }

}  // namespace kernel::fs
