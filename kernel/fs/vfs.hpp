// The virtual file system (docs/processes.md, "Files"): vnodes (a file, a directory or a
// device, whatever file system they come from), open-file descriptions (a vnode, an offset
// and flags, counted references shared by every descriptor that dup2 made from one open), and
// a process's descriptor table (libk/descriptor_table.hpp).
//
// Name space: the initrd (read-only, kernel/fs/initrd_fs.cpp) at "/", and the console device
// (kernel/tty/) mounted at "/dev/console". Paths are absolute and normalised by
// libk/path.hpp before lookup.
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

class Vnode {
 public:
  virtual abi::FileType type() const = 0;
  virtual abi::Stat stat() const = 0;
  // Reads at `offset` into `out`: the bytes read, 0 at the end. A device ignores the offset
  // and may block (Interrupted if the process is being killed). Context: thread.
  virtual Result<usize> read(u64 offset, libk::Span<u8> out) = 0;
  // Writes; ReadOnly unless the vnode is a device.
  virtual Result<usize> write(u64, libk::Bytes) { return libk::unexpected(Error::ReadOnly); }
  // The `index`-th entry of a directory (false past the end); NotDirectory otherwise.
  virtual Result<bool> readdir(u64, abi::DirEntry&) {
    return libk::unexpected(Error::NotDirectory);
  }
  // Called when the last open-file description on it closes: a vnode made for one open
  // frees itself, a shared one (the console) does nothing.
  virtual void closed() {}

 protected:
  ~Vnode() = default;
};

// An open-file description. Created with one reference (the opener's).
class OpenFile {
 public:
  OpenFile(Vnode& node, u64 flags) : node_(node), flags_(flags) {}
  OpenFile(const OpenFile&) = delete;
  OpenFile& operator=(const OpenFile&) = delete;

  Vnode& node() const { return node_; }
  u64 flags() const { return flags_; }
  // Reads or writes at the shared offset and advances it.
  Result<usize> read(libk::Span<u8> out);
  Result<usize> write(libk::Bytes in);
  // The next directory entry (the offset counts entries).
  Result<bool> readdir(abi::DirEntry& out);

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

using FileTable = libk::DescriptorTable<OpenFile, OpenFile, abi::kMaxFiles>;

// Resolves an absolute path (normalising it) and opens it with `flags` (abi::kOpen*).
// Context: thread.
Result<OpenFile*> open(libk::StringView path, u64 flags);
// A new open-file description of `node` (a pipe's end: kernel/fs/pipe.hpp), with one
// reference; NoMemory, and then `node` is left as it was.
Result<OpenFile*> open_vnode(Vnode& node, u64 flags);
// What is at `path`.
Result<abi::Stat> stat(libk::StringView path);

// A new table with the console as descriptors 0, 1 and 2 (nullptr: out of memory), and its
// end (closes every descriptor).
FileTable* new_console_table();
void delete_table(FileTable* table);
// A new table sharing every open-file description of `parent` in the same slots (fork), or
// those of its first `count` slots only (spawn); nullptr when out of memory.
FileTable* inherit_table(const FileTable& parent, usize count = abi::kMaxFiles);

// Open-file descriptions alive, for the leak checks in tests.
u64 open_files();

}  // namespace kernel::fs
