// System calls on files and descriptors (docs/syscalls.md): write, read, open, close, stat,
// readdir, dup2, pipe, lseek, dup, fstat, mkdir, unlink, rmdir, rename, chdir, getcwd,
// through the calling process's descriptor table and current directory
// (kernel/fs/vfs.hpp).
#include "fs/pipe.hpp"
#include "fs/vfs.hpp"
#include "proc/process.hpp"
#include "proc/syscall_handlers.hpp"
#include "proc/user_memory.hpp"
#include "proc/user_pipe.hpp"

namespace kernel::proc::syscalls {

namespace {

using abi::Error;

// Bytes moved per step between user memory and a vnode, through the kernel stack.
constexpr usize kChunk = 1024;

// The description behind `fd`, held until the call returns (another thread may close `fd`).
libk::Result<fs::FileRef, Error> descriptor(u64 fd) {
  fs::FileTable* files = current_files();
  fs::FileRef f = files ? files->hold(fd) : fs::FileRef();
  if (!f) return libk::unexpected(Error::BadDescriptor);
  return f;
}

Error table_error(libk::DescriptorError e) {
  return e == libk::DescriptorError::TooMany ? Error::TooManyFiles : Error::BadDescriptor;
}

libk::Result<usize, Error> copy_path(char (&path)[abi::kMaxPath + 1], u64 user_path) {
  return copy_string_from_user(path, user_path, sizeof(path));
}

// The bytes of a write(), copied from user memory as the file asks for them.
class UserSource final : public fs::WriteSource {
 public:
  UserSource(u64 address, u64 length) : address_(address), rest_(length) {}
  libk::Result<usize, Error> fill(libk::Span<u8> out) override {
    usize n = libk::min<u64>(out.size(), rest_);
    TRY(copy_from_user(out.data(), address_, n));
    address_ += n;
    rest_ -= n;
    return n;
  }

 private:
  u64 address_;
  u64 rest_;
};

// Where a read() puts the bytes: user memory, as the file hands them over.
class UserSink final : public fs::ReadSink {
 public:
  explicit UserSink(u64 address) : address_(address) {}
  libk::Result<void, Error> put(libk::Bytes in) override {
    TRY(copy_to_user(address_, in.data(), in.size()));
    address_ += in.size();
    return {};
  }

 private:
  u64 address_;
};

}  // namespace

// write(fd, buffer, length): a short write if part of the buffer is unreadable.
Result sys_write(const Frame& f) {
  u64 buffer = f.rsi, length = f.rdx;
  fs::FileRef file = TRY(descriptor(f.rdi));
  if (i64(length) < 0) return libk::unexpected(Error::Invalid);
  length = libk::min<u64>(length, abi::kMaxWrite);
  if (!user_range(buffer, length)) return libk::unexpected(Error::Fault);
  if (fs::pipe::is_pipe(*file)) return i64(TRY(write_pipe(*file, buffer, length)));
  UserSource source(buffer, length);
  usize done = TRY(file->write(source));
  return i64(done);
}

// read(fd, buffer, length): at most one line from the console; 0 at the end of a file.
Result sys_read(const Frame& f) {
  u64 buffer = f.rsi, length = f.rdx;
  fs::FileRef file = TRY(descriptor(f.rdi));
  if (i64(length) < 0) return libk::unexpected(Error::Invalid);
  length = libk::min<u64>(length, abi::kMaxWrite);
  if (!user_range(buffer, length)) return libk::unexpected(Error::Fault);
  if (fs::pipe::is_pipe(*file)) return i64(TRY(read_pipe(*file, buffer, length)));
  if (file->seekable()) {  // a file: one read under its file system's lock
    UserSink sink(buffer);
    return i64(TRY(file->read(sink, length)));
  }
  bool device = file->node().type() == abi::FileType::Device;
  u8 chunk[kChunk];
  u64 done = 0;
  while (done < length) {
    u64 n = libk::min<u64>(kChunk, length - done);
    usize got = TRY(file->read({chunk, n}));
    if (auto r = copy_to_user(buffer + done, chunk, got); !r) {
      if (done == 0) return libk::unexpected(r.error());
      break;  // the bytes were consumed: as POSIX allows, they are lost with the fault
    }
    done += got;
    if (got < n || device) break;  // end of file, or a terminal's line
  }
  return i64(done);
}

// open(path, flags) -> the lowest free descriptor.
Result sys_open(const Frame& f) {
  char path[abi::kMaxPath + 1];
  TRY(copy_path(path, f.rdi));
  fs::FileTable* files = current_files();
  if (files == nullptr) return libk::unexpected(Error::TooManyFiles);  // a kernel thread
  fs::OpenFile* file = TRY(fs::open(path, f.rsi, files));
  auto fd = files->install(file);
  if (!fd) {
    fs::OpenFile::release(file);
    return libk::unexpected(table_error(fd.error()));
  }
  return i64(fd.value());
}

Result sys_close(const Frame& f) {
  TRY(descriptor(f.rdi));
  if (auto r = current_files()->close(f.rdi); !r) return libk::unexpected(table_error(r.error()));
  return 0;
}

// stat(path, &stat)
Result sys_stat(const Frame& f) {
  char path[abi::kMaxPath + 1];
  TRY(copy_path(path, f.rdi));
  if (!user_range(f.rsi, sizeof(abi::Stat))) return libk::unexpected(Error::Fault);
  abi::Stat s = TRY(fs::stat(path, current_files()));
  TRY(copy_to_user(f.rsi, &s, sizeof(s)));
  return 0;
}

// readdir(fd, &entry) -> 1 with an entry, 0 at the end.
Result sys_readdir(const Frame& f) {
  fs::FileRef file = TRY(descriptor(f.rdi));
  if (!user_range(f.rsi, sizeof(abi::DirEntry))) return libk::unexpected(Error::Fault);
  abi::DirEntry entry{};
  bool more = TRY(file->readdir(entry));
  if (more) TRY(copy_to_user(f.rsi, &entry, sizeof(entry)));
  return more ? 1 : 0;
}

Result sys_dup2(const Frame& f) {
  TRY(descriptor(f.rdi));
  auto r = current_files()->dup2(f.rdi, f.rsi);
  if (!r) return libk::unexpected(table_error(r.error()));
  return i64(r.value());
}

// pipe(&fds[2]): fds[0] the read end, fds[1] the write end, the two lowest free descriptors
// (two 32-bit ints, as POSIX's int fds[2]). On any error no descriptor and no pipe is left.
Result sys_pipe(const Frame& f) {
  i32 fds[2];
  if (!user_range(f.rdi, sizeof(fds))) return libk::unexpected(Error::Fault);
  fs::FileTable* files = current_files();
  if (files == nullptr) return libk::unexpected(Error::TooManyFiles);  // a kernel thread
  fs::pipe::Ends ends = TRY(fs::pipe::create());
  auto read_fd = files->install(ends.read);
  if (!read_fd) {
    fs::OpenFile::release(ends.read);
    fs::OpenFile::release(ends.write);
    return libk::unexpected(table_error(read_fd.error()));
  }
  // From here another thread of the process may close a descriptor just installed and get
  // its slot for another file: the undo closes a slot only if it still holds our end.
  auto write_fd = files->install(ends.write);
  if (!write_fd) {
    (void)files->close_if(read_fd.value(), ends.read);
    fs::OpenFile::release(ends.write);
    return libk::unexpected(table_error(write_fd.error()));
  }
  fds[0] = i32(read_fd.value());
  fds[1] = i32(write_fd.value());
  if (auto r = copy_to_user(f.rdi, fds, sizeof(fds)); !r) {
    (void)files->close_if(read_fd.value(), ends.read);
    (void)files->close_if(write_fd.value(), ends.write);
    return libk::unexpected(r.error());
  }
  return 0;
}

// lseek(fd, offset, whence) -> the new offset.
Result sys_lseek(const Frame& f) {
  fs::FileRef file = TRY(descriptor(f.rdi));
  u64 offset = TRY(file->seek(i64(f.rsi), f.rdx));
  return i64(offset);
}

Result sys_dup(const Frame& f) {
  TRY(descriptor(f.rdi));
  auto r = current_files()->dup(f.rdi);
  if (!r) return libk::unexpected(table_error(r.error()));
  return i64(r.value());
}

// fstat(fd, &stat)
Result sys_fstat(const Frame& f) {
  fs::FileRef file = TRY(descriptor(f.rdi));
  if (!user_range(f.rsi, sizeof(abi::Stat))) return libk::unexpected(Error::Fault);
  abi::Stat s = file->node().stat();
  TRY(copy_to_user(f.rsi, &s, sizeof(s)));
  return 0;
}

// mkdir, unlink, rmdir: one path each.
Result sys_mkdir(const Frame& f) {
  char path[abi::kMaxPath + 1];
  TRY(copy_path(path, f.rdi));
  TRY(fs::mkdir(path, current_files()));
  return 0;
}

Result sys_unlink(const Frame& f) {
  char path[abi::kMaxPath + 1];
  TRY(copy_path(path, f.rdi));
  TRY(fs::unlink(path, current_files()));
  return 0;
}

Result sys_rmdir(const Frame& f) {
  char path[abi::kMaxPath + 1];
  TRY(copy_path(path, f.rdi));
  TRY(fs::rmdir(path, current_files()));
  return 0;
}

// rename(from, to)
Result sys_rename(const Frame& f) {
  char from[abi::kMaxPath + 1], to[abi::kMaxPath + 1];
  TRY(copy_path(from, f.rdi));
  TRY(copy_path(to, f.rsi));
  TRY(fs::rename(from, to, current_files()));
  return 0;
}

Result sys_chdir(const Frame& f) {
  char path[abi::kMaxPath + 1];
  TRY(copy_path(path, f.rdi));
  fs::FileTable* files = current_files();
  if (files == nullptr) return libk::unexpected(Error::Invalid);  // a kernel thread
  TRY(fs::chdir(*files, path));
  return 0;
}

// getcwd(buffer, length) -> the length of the absolute path written with its NUL; Invalid
// when it does not fit (Linux's ERANGE).
Result sys_getcwd(const Frame& f) {
  u64 buffer = f.rdi, length = f.rsi;
  fs::FileTable* files = current_files();
  if (files == nullptr) return libk::unexpected(Error::Invalid);
  char path[abi::kMaxPath + 2] = {'/'};
  char cwd[abi::kMaxPath + 1];
  usize n = files->cwd(cwd);
  __builtin_memcpy(path + 1, cwd, n + 1);
  usize total = n + 1;  // with the leading "/", without the NUL
  if (length < total + 1) return libk::unexpected(Error::Invalid);
  if (!user_range(buffer, total + 1)) return libk::unexpected(Error::Fault);
  TRY(copy_to_user(buffer, path, total + 1));
  return i64(total);
}

}  // namespace kernel::proc::syscalls
