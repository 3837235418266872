// The virtual file system (docs/vfs.md): vnodes (a file, a directory or a device, whatever
// file system they come from), open-file descriptions (a vnode, an offset and flags, counted
// references shared by every descriptor that dup/dup2/fork made from one open), a process's
// descriptor table (libk/descriptor_table.hpp) with its current directory, and the mount
// table that maps a path to a file system.
//
// Name space (kernel/fs/mounts.cpp): the initrd (read-only, kernel/fs/initrd_fs.cpp) at "/",
// the RAM file system (kernel/fs/ram_fs.cpp) at "/tmp", the devices (kernel/fs/dev_fs.cpp)
// at "/dev". A path, absolute or relative to the current directory, is normalised by
// libk/path.hpp ("." and ".." resolved by name) and then handed to the file system whose
// mount point is its longest prefix, so ".." crosses mount points both ways.
#pragma once

#include <abi/syscalls.hpp>

#include <libk/descriptor_table.hpp>
#include <libk/result.hpp>
#include <libk/span.hpp>
#include <libk/string_view.hpp>

#include "sync/mutex.hpp"

namespace kernel::fs {

using abi::Error;
template <typename T>
using Result = libk::Result<T, Error>;

// Where the bytes of one write come from, a piece at a time: a system call copies them from
// user memory as the file system asks, so that a file system can place a whole write under
// one lock hold (O_APPEND, and writes that other writers never split).
class WriteSource {
 public:
  // Fills `out` with the next bytes: how many, 0 once everything was given; an error (Fault)
  // ends the write.
  virtual Result<usize> fill(libk::Span<u8> out) = 0;

 protected:
  ~WriteSource() = default;
};

// Where the bytes of one read go, a piece at a time (a system call copies them to user
// memory), so that a file system can serve a whole read under one lock hold.
class ReadSink {
 public:
  // Takes all of `in`, or fails (Fault) and takes nothing; an error ends the read.
  virtual Result<void> put(libk::Bytes in) = 0;

 protected:
  ~ReadSink() = default;
};

// Bytes passed per step between a WriteSource or ReadSink and a vnode, through the kernel
// stack.
inline constexpr usize kWriteChunk = 1024;

// Moves up to `length` bytes from a file to `sink`, kWriteChunk at a time through the kernel
// stack, `read(offset, out)` reading each piece: the bytes the sink took, fewer at the end of
// the file or after an error once some were taken (the error only if none were).
template <typename Read>
Result<usize> read_in_pieces(ReadSink& sink, u64 offset, usize length, Read read) {
  u8 chunk[kWriteChunk];
  usize done = 0;
  while (done < length) {
    usize want = libk::min(sizeof(chunk), length - done);
    auto got = read(offset + done, libk::Span<u8>{chunk, want});
    if (!got && done == 0) return libk::unexpected(got.error());
    if (!got || got.value() == 0) break;
    auto taken = sink.put({chunk, got.value()});
    if (!taken && done == 0) return libk::unexpected(taken.error());
    if (!taken) break;
    done += got.value();
    if (got.value() < want) break;
  }
  return done;
}

// Moves everything `source` gives to a file at `offset`, kWriteChunk at a time,
// `write(offset, bytes)` writing each piece; `end` becomes the offset after the last byte
// written. The bytes written, fewer after an error once some were (the error only if none
// were).
template <typename Write>
Result<usize> write_in_pieces(WriteSource& source, u64 offset, u64& end, Write write) {
  u8 chunk[kWriteChunk];
  usize done = 0;
  for (;;) {
    auto got = source.fill(chunk);
    if (!got && done == 0) return libk::unexpected(got.error());
    if (!got || got.value() == 0) break;
    auto n = write(offset + done, libk::Bytes{chunk, got.value()});
    if (!n && done == 0) return libk::unexpected(n.error());
    if (!n) break;
    done += n.value();
    if (n.value() < got.value()) break;
  }
  end = offset + done;
  return done;
}

class Vnode {
 public:
  virtual abi::FileType type() const = 0;
  virtual abi::Stat stat() const = 0;
  // Reads at `offset` into `out`: the bytes read, 0 at the end. A device ignores the offset
  // and may block (Interrupted if the process is being killed). Context: thread.
  virtual Result<usize> read(u64 offset, libk::Span<u8> out) = 0;
  // Writes; ReadOnly unless the vnode is a device.
  virtual Result<usize> write(u64, libk::Bytes) { return libk::unexpected(Error::ReadOnly); }
  // Whether open may give write access (a file of a writable file system, a device).
  virtual bool writable() const { return false; }
  // Writes everything `source` gives at `offset`, or at the end if `append`, and sets `end`
  // to the offset after the last byte written: the bytes written, fewer after an error once
  // some were (the error only if none were). This default writes piece by piece through
  // write() (an appending one is ReadOnly); a file system overrides it to make the whole write
  // one operation against its other writers.
  virtual Result<usize> write_from(WriteSource& source, u64 offset, bool append, u64& end) {
    if (append) return libk::unexpected(Error::ReadOnly);
    return write_pieces(source, offset, end);
  }
  // Reads up to `length` bytes at `offset` into `sink`: the bytes it took, fewer at the end
  // of the file or after a sink error once some were taken (the error only if none were).
  // This default reads piece by piece through read(); a file system overrides it to make the
  // whole read one operation against its writers. Only for vnodes with an offset.
  virtual Result<usize> read_to(ReadSink& sink, u64 offset, usize length) {
    return read_pieces(sink, offset, length);
  }
  // Sets a file's size (O_TRUNC): zeros past the old end.
  virtual Result<void> truncate(u64) { return libk::unexpected(Error::ReadOnly); }
  // The `index`-th entry of a directory (false past the end); NotDirectory otherwise.
  virtual Result<bool> readdir(u64, abi::DirEntry&) {
    return libk::unexpected(Error::NotDirectory);
  }
  // Called when the last open-file description on it closes: a vnode made for one open
  // frees itself, a shared one (the console) does nothing.
  virtual void closed() {}

 protected:
  ~Vnode() = default;
  // write_from's default: kWriteChunk bytes at a time through write(). (Not virtual: every
  // virtual function here is defined in the class, so no file owns the vtable, whose pure
  // entries would need a C++ runtime's __cxa_pure_virtual.)
  Result<usize> write_pieces(WriteSource& source, u64 offset, u64& end);
  // read_to's default: kWriteChunk bytes at a time through read().
  Result<usize> read_pieces(ReadSink& sink, u64 offset, usize length);
};

// An open-file description. Created with one reference (the opener's).
class OpenFile {
 public:
  OpenFile(Vnode& node, u64 flags) : node_(node), flags_(flags) {}
  OpenFile(const OpenFile&) = delete;
  OpenFile& operator=(const OpenFile&) = delete;

  Vnode& node() const { return node_; }
  u64 flags() const { return flags_; }
  // Reads or writes at the shared offset and advances it (with O_APPEND, writes at the end
  // and moves the offset there). A write is one operation on the file (Vnode::write_from).
  Result<usize> read(libk::Span<u8> out);
  // A whole read of up to `length` bytes (Vnode::read_to); only where seekable().
  Result<usize> read(ReadSink& sink, usize length);
  Result<usize> write(WriteSource& source);
  Result<usize> write(libk::Bytes in);
  // The next directory entry (the offset counts entries).
  Result<bool> readdir(abi::DirEntry& out);
  // lseek: the new offset, from abi::kSeek* `whence`; Invalid for a negative result or a
  // device.
  Result<u64> seek(i64 offset, u64 whence);
  // Whether it has an offset (not a device or a pipe).
  bool seekable() const;

  static void retain(OpenFile* f);
  static void release(OpenFile* f);

 private:
  Vnode& node_;
  u64 flags_;
  // Threads of a process (and, later, processes sharing the description) read and advance
  // it through the same description: each read or write happens whole at one offset.
  Mutex offset_lock_{"open file offset"};
  u64 offset_ GUARDED_BY(offset_lock_) = 0;
  u32 refs_ = 1;  // atomic
};

// A file system as the mount table sees it: every path is normalised and relative to the
// mount point ("" is the mount point itself). A read-only file system keeps the defaults.
class FileSystem {
 public:
  // The vnode at `path`, made for one open (Vnode::closed ends it).
  virtual Result<Vnode*> lookup(libk::StringView path) = 0;
  // open(O_CREAT): the file at `path`, created empty if missing; Exists if `exclusive` and
  // it was there.
  // (Defined in the class, as every virtual function here: see Vnode::write_pieces.)
  virtual Result<Vnode*> create(libk::StringView path, bool exclusive) {
    auto node = lookup(path);
    if (!node) {
      if (node.error() == Error::NoEntry) return libk::unexpected(Error::ReadOnly);
      return libk::unexpected(node.error());
    }
    if (exclusive) {
      node.value()->closed();
      return libk::unexpected(Error::Exists);
    }
    return node.value();
  }
  virtual Result<void> mkdir(libk::StringView) { return libk::unexpected(Error::ReadOnly); }
  virtual Result<void> unlink(libk::StringView) { return libk::unexpected(Error::ReadOnly); }
  virtual Result<void> rmdir(libk::StringView) { return libk::unexpected(Error::ReadOnly); }
  virtual Result<void> rename(libk::StringView, libk::StringView) {
    return libk::unexpected(Error::ReadOnly);
  }

 protected:
  ~FileSystem() = default;
};

// A reference to an open-file description that a system call holds while it uses it: the
// description stays alive even if another thread of the process closes the descriptor
// meanwhile (a read blocked on a pipe, say). Empty (false) for a descriptor not open.
class FileRef {
 public:
  FileRef() = default;
  explicit FileRef(OpenFile* f) : f_(f) {}  // takes over a reference
  FileRef(FileRef&& other) : f_(other.f_) { other.f_ = nullptr; }
  FileRef(const FileRef&) = delete;
  FileRef& operator=(const FileRef&) = delete;
  FileRef& operator=(FileRef&&) = delete;
  ~FileRef() {
    if (f_ != nullptr) OpenFile::release(f_);
  }
  explicit operator bool() const { return f_ != nullptr; }
  OpenFile& operator*() const { return *f_; }
  OpenFile* operator->() const { return f_; }

 private:
  OpenFile* f_ = nullptr;
};

// A process's descriptors and its current directory: both inherited by fork, the directory
// also by spawn. Threads of one process share it, so every call takes the table's lock; a
// description is used only through a FileRef (hold), never a bare pointer that a close in
// another thread could free. Releasing a description (close, dup2, clear) may run its
// vnode's closed() under the lock: file systems and pipes never take a table's lock, so the
// order is always table, then file system. Context: thread, for every call.
class FileTable {
 public:
  using Slots = libk::DescriptorTable<OpenFile, OpenFile, abi::kMaxFiles>;

  // The description behind `fd`, held for the caller; empty if `fd` is not open.
  FileRef hold(u64 fd) const EXCLUDES(lock_);
  // As libk::DescriptorTable's calls of the same names (libk/descriptor_table.hpp).
  [[nodiscard]] libk::Result<usize, libk::DescriptorError> install(OpenFile* file) EXCLUDES(lock_);
  [[nodiscard]] libk::Result<void, libk::DescriptorError> close(u64 fd) EXCLUDES(lock_);
  // Closes `fd` only if it still holds `file`: the undo of an install that failed later
  // (pipe's copy-out), which must not close what another thread of the process put in the
  // slot after closing ours. False if the slot holds something else now.
  bool close_if(u64 fd, const OpenFile* file) EXCLUDES(lock_);
  [[nodiscard]] libk::Result<usize, libk::DescriptorError> dup(u64 fd) EXCLUDES(lock_);
  [[nodiscard]] libk::Result<usize, libk::DescriptorError> dup2(u64 old_fd, u64 new_fd)
      EXCLUDES(lock_);
  // This table is new (not shared yet): it gets the first `count` slots of `parent`.
  void inherit(const FileTable& parent, usize count) EXCLUDES(lock_);
  void clear() EXCLUDES(lock_);
  usize used() const EXCLUDES(lock_);

  // The current directory, normalised ("" is the root), NUL-terminated in `out`.
  usize cwd(char (&out)[abi::kMaxPath + 1]) const EXCLUDES(cwd_lock_);
  void set_cwd(libk::StringView normalized) EXCLUDES(cwd_lock_);

 private:
  mutable Mutex lock_{"descriptor table"};
  Slots slots_ GUARDED_BY(lock_);
  mutable Mutex cwd_lock_{"current directory"};
  char cwd_[abi::kMaxPath + 1] GUARDED_BY(cwd_lock_) = {};
  usize cwd_length_ GUARDED_BY(cwd_lock_) = 0;
};

// Every call below takes a path, absolute or relative to the current directory of `from`
// (nullptr: the root, for the kernel's own callers). Context: thread.

// Opens `path` with `flags` (abi::kOpen*).
Result<OpenFile*> open(libk::StringView path, u64 flags, const FileTable* from = nullptr);
// A new open-file description of `node` (a pipe's end: kernel/fs/pipe.hpp), with one
// reference; NoMemory, and then `node` is left as it was.
Result<OpenFile*> open_vnode(Vnode& node, u64 flags);
// What is at `path`.
Result<abi::Stat> stat(libk::StringView path, const FileTable* from = nullptr);
Result<void> mkdir(libk::StringView path, const FileTable* from = nullptr);
Result<void> unlink(libk::StringView path, const FileTable* from = nullptr);
Result<void> rmdir(libk::StringView path, const FileTable* from = nullptr);
// Within one file system (CrossDevice otherwise).
Result<void> rename(libk::StringView old_path, libk::StringView new_path,
                    const FileTable* from = nullptr);
// Makes the directory at `path` the current directory of `table`.
Result<void> chdir(FileTable& table, libk::StringView path);

// A new table with the console as descriptors 0, 1 and 2 and the current directory of
// `cwd_from` (the root if nullptr); nullptr when out of memory. delete_table ends one
// (closes every descriptor).
FileTable* new_console_table(const FileTable* cwd_from = nullptr);
void delete_table(FileTable* table);
// A new table sharing every open-file description of `parent` in the same slots (fork), or
// those of its first `count` slots only (spawn), and its current directory; nullptr when out
// of memory.
FileTable* inherit_table(const FileTable& parent, usize count = abi::kMaxFiles);

// Open-file descriptions alive, for the leak checks in tests.
u64 open_files();

}  // namespace kernel::fs
