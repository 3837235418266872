// Open-file descriptions and descriptor tables (docs/vfs.md); the name space (mount table,
// path calls) is in kernel/fs/mounts.cpp.
#include "fs/vfs.hpp"

#include "fs/mounts.hpp"
#include "memory/heap.hpp"
#include "tty/tty.hpp"

namespace kernel::fs {

namespace {

constinit u64 live_files = 0;  // atomic

bool may_write(u64 flags) { return (flags & (abi::kOpenWrite | abi::kOpenReadWrite)) != 0; }

}  // namespace

OpenFile* new_open_file(Vnode& node, u64 flags) {
  auto* f = new (heap::nothrow) OpenFile(node, flags);
  if (f != nullptr) __atomic_add_fetch(&live_files, 1, __ATOMIC_RELAXED);
  return f;
}

namespace {

// A device and a pipe have no offset and may block.
bool has_offset(const Vnode& node) {
  return node.type() != abi::FileType::Device && node.type() != abi::FileType::Pipe;
}

// A write of bytes the kernel has.
class BytesSource final : public WriteSource {
 public:
  explicit BytesSource(libk::Bytes bytes) : rest_(bytes) {}
  Result<usize> fill(libk::Span<u8> out) override {
    usize n = libk::min(out.size(), rest_.size());
    __builtin_memcpy(out.data(), rest_.data(), n);
    rest_ = rest_.subspan(n);
    return n;
  }

 private:
  libk::Bytes rest_;
};

}  // namespace

// A device or a pipe is used without the offset lock, so that a thread waiting in read does
// not hold up another's write.
Result<usize> OpenFile::read(libk::Span<u8> out) {
  if ((flags_ & abi::kOpenWrite) != 0) return libk::unexpected(Error::BadDescriptor);
  if (!has_offset(node_)) return node_.read(0, out);
  MutexLocker lock(offset_lock_);
  usize n = TRY(node_.read(offset_, out));
  offset_ += n;
  return n;
}

// The offset lock is held for the whole read, so it happens at one offset and advances it
// by what the sink took.
Result<usize> OpenFile::read(ReadSink& sink, usize length) {
  if ((flags_ & abi::kOpenWrite) != 0) return libk::unexpected(Error::BadDescriptor);
  VERIFY(has_offset(node_));
  MutexLocker lock(offset_lock_);
  usize n = TRY(node_.read_to(sink, offset_, length));
  offset_ += n;
  return n;
}

bool OpenFile::seekable() const { return has_offset(node_); }

Result<usize> Vnode::read_pieces(ReadSink& sink, u64 offset, usize length) {
  return read_in_pieces(sink, offset, length,
                        [this](u64 at, libk::Span<u8> out) { return read(at, out); });
}

Result<usize> Vnode::write_pieces(WriteSource& source, u64 offset, u64& end) {
  return write_in_pieces(source, offset, end,
                         [this](u64 at, libk::Bytes in) { return write(at, in); });
}

// The offset lock is held for the whole write, so writes through one description never
// interleave; the vnode's write_from excludes the file's other writers (POSIX.1-2017
// write(): with O_APPEND, no modification between finding the end and writing there).
Result<usize> OpenFile::write(WriteSource& source) {
  if (!may_write(flags_)) return libk::unexpected(Error::BadDescriptor);
  u64 end = 0;
  if (!has_offset(node_)) return node_.write_from(source, 0, false, end);
  MutexLocker lock(offset_lock_);
  usize n = TRY(node_.write_from(source, offset_, (flags_ & abi::kOpenAppend) != 0, end));
  offset_ = end;
  return n;
}

// Bytes the kernel has go to a device or a pipe in one call, as they are (a pipe keeps a
// write of up to kAtomicWrite bytes whole only if it gets them at once).
Result<usize> OpenFile::write(libk::Bytes in) {
  if (!may_write(flags_)) return libk::unexpected(Error::BadDescriptor);
  if (!has_offset(node_)) return node_.write(0, in);
  BytesSource source(in);
  return write(source);
}

Result<bool> OpenFile::readdir(abi::DirEntry& out) {
  MutexLocker lock(offset_lock_);
  bool more = TRY(node_.readdir(offset_, out));
  offset_ += more;
  return more;
}

// POSIX.1-2017 lseek(): a negative result is Invalid; past the end is allowed (a later
// write leaves zeros in between).
Result<u64> OpenFile::seek(i64 offset, u64 whence) {
  if (!has_offset(node_)) return libk::unexpected(Error::Invalid);
  MutexLocker lock(offset_lock_);
  i64 base = 0;
  switch (whence) {
    case abi::kSeekSet: base = 0; break;
    case abi::kSeekCurrent: base = i64(offset_); break;
    case abi::kSeekEnd: base = i64(node_.stat().size); break;
    default: return libk::unexpected(Error::Invalid);
  }
  i64 target = 0;
  if (__builtin_add_overflow(base, offset, &target) || target < 0)
    return libk::unexpected(Error::Invalid);
  offset_ = u64(target);
  return offset_;
}

void OpenFile::retain(OpenFile* f) { __atomic_add_fetch(&f->refs_, 1, __ATOMIC_RELAXED); }

void OpenFile::release(OpenFile* f) {
  if (__atomic_sub_fetch(&f->refs_, 1, __ATOMIC_ACQ_REL) != 0) return;
  f->node_.closed();
  delete f;
  __atomic_sub_fetch(&live_files, 1, __ATOMIC_RELAXED);
}

Result<OpenFile*> open_vnode(Vnode& node, u64 flags) {
  OpenFile* f = new_open_file(node, flags);
  if (f == nullptr) return libk::unexpected(Error::NoMemory);
  return f;
}

FileRef FileTable::hold(u64 fd) const {
  MutexLocker lock(lock_);
  OpenFile* f = slots_.get(fd);
  if (f == nullptr) return {};
  OpenFile::retain(f);
  return FileRef(f);
}

libk::Result<usize, libk::DescriptorError> FileTable::install(OpenFile* file) {
  MutexLocker lock(lock_);
  return slots_.install(file);
}

libk::Result<void, libk::DescriptorError> FileTable::close(u64 fd) {
  MutexLocker lock(lock_);
  return slots_.close(fd);
}

bool FileTable::close_if(u64 fd, const OpenFile* file) {
  MutexLocker lock(lock_);
  if (slots_.get(fd) != file) return false;
  (void)slots_.close(fd);
  return true;
}

libk::Result<usize, libk::DescriptorError> FileTable::dup(u64 fd) {
  MutexLocker lock(lock_);
  return slots_.dup(fd);
}

libk::Result<usize, libk::DescriptorError> FileTable::dup2(u64 old_fd, u64 new_fd) {
  MutexLocker lock(lock_);
  return slots_.dup2(old_fd, new_fd);
}

void FileTable::inherit(const FileTable& parent, usize count) {
  VERIFY(&parent != this);
  MutexLocker theirs(parent.lock_);
  MutexLocker mine(lock_);  // uncontended: the table is not shared yet
  slots_.inherit(parent.slots_, count);
}

void FileTable::clear() {
  MutexLocker lock(lock_);
  slots_.clear();
}

usize FileTable::used() const {
  MutexLocker lock(lock_);
  return slots_.used();
}

usize FileTable::cwd(char (&out)[abi::kMaxPath + 1]) const {
  MutexLocker lock(cwd_lock_);
  __builtin_memcpy(out, cwd_, cwd_length_);
  out[cwd_length_] = 0;
  return cwd_length_;
}

void FileTable::set_cwd(libk::StringView normalized) {
  VERIFY(normalized.size() <= abi::kMaxPath);
  MutexLocker lock(cwd_lock_);
  __builtin_memcpy(cwd_, normalized.data(), normalized.size());
  cwd_length_ = normalized.size();
  cwd_[cwd_length_] = 0;
}

FileTable* new_console_table(const FileTable* cwd_from) {
  auto* table = new (heap::nothrow) FileTable;
  if (table == nullptr) return nullptr;
  OpenFile* console = new_open_file(tty::console_vnode(), abi::kOpenReadWrite);
  if (console == nullptr) {
    delete table;
    return nullptr;
  }
  VERIFY(table->install(console).value() == 0);
  VERIFY(table->dup2(0, 1).ok() && table->dup2(0, 2).ok());
  if (cwd_from != nullptr) {
    char cwd[abi::kMaxPath + 1];
    table->set_cwd({cwd, cwd_from->cwd(cwd)});
  }
  return table;
}

FileTable* inherit_table(const FileTable& parent, usize count) {
  auto* table = new (heap::nothrow) FileTable;
  if (table == nullptr) return nullptr;
  table->inherit(parent, count);
  char cwd[abi::kMaxPath + 1];
  table->set_cwd({cwd, parent.cwd(cwd)});
  return table;
}

void delete_table(FileTable* table) {
  if (table == nullptr) return;
  table->clear();
  delete table;
}

u64 open_files() { return __atomic_load_n(&live_files, __ATOMIC_RELAXED); }

}  // namespace kernel::fs
