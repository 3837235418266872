// usertests' RAM file system cases: each works in a directory of its own under /tmp and
// removes it at the end, so that they run in any order and leave /tmp as they found it.
#include "usertests_ramfs.hpp"

#include "ember.hpp"
#include "usertests_check.hpp"

namespace ramfs_tests {

namespace {

using abi::Error;
using usertests::check;
using usertests::kKernelAddress;
using usertests::opaque;
using usertests::run;

constexpr u64 kCreate = abi::kOpenReadWrite | abi::kOpenCreate;

bool same(const char* a, const char* b, usize n) {
  for (usize i = 0; i < n; ++i)
    if (a[i] != b[i]) return false;
  return true;
}

i64 put(int fd, const char* s) { return ember::write(fd, s, ember::strlen(s)); }

// The whole file at `path` into `out` (NUL-terminated): its length, or a negative error.
i64 slurp(const char* path, char* out, usize capacity) {
  i64 fd = ember::open(path, abi::kOpenRead);
  if (fd < 0) return fd;
  i64 n = ember::read(int(fd), out, capacity - 1);
  ember::close(int(fd));
  if (n >= 0) out[n] = 0;
  return n;
}

bool holds(const char* path, const char* expected) {
  char text[256];
  i64 n = slurp(path, text, sizeof(text));
  return n == i64(ember::strlen(expected)) && ember::streq(text, expected);
}

}  // namespace

bool files() {
  CHECK(ember::mkdir("/tmp/ut-files") == 0);
  i64 fd = ember::open("/tmp/ut-files/a", kCreate);
  CHECK(fd >= 0);
  CHECK(put(int(fd), "hello, ram") == 10);
  abi::Stat st{};
  CHECK(ember::fstat(int(fd), &st) == 0 && st.type == abi::FileType::File && st.size == 10);
  CHECK(ember::lseek(int(fd), 0, abi::kSeekSet) == 0);
  char text[32] = {};
  CHECK(ember::read(int(fd), text, sizeof(text)) == 10 && same(text, "hello, ram", 10));
  CHECK(ember::read(int(fd), text, sizeof(text)) == 0);
  CHECK(ember::close(int(fd)) == 0);
  CHECK(holds("/tmp/ut-files/a", "hello, ram"));
  // O_TRUNC empties it; without O_CREAT a missing file is NoEntry; O_EXCL refuses it.
  fd = ember::open("/tmp/ut-files/a", abi::kOpenWrite | abi::kOpenTruncate);
  CHECK(fd >= 0 && put(int(fd), "new") == 3);
  CHECK(ember::read(int(fd), text, 1) == i64(Error::BadDescriptor));  // write-only
  ember::close(int(fd));
  CHECK(holds("/tmp/ut-files/a", "new"));
  CHECK(ember::open("/tmp/ut-files/b", abi::kOpenWrite) == i64(Error::NoEntry));
  CHECK(ember::open("/tmp/ut-files/a", kCreate | abi::kOpenExclusive) == i64(Error::Exists));
  CHECK(ember::stat("/tmp/ut-files/a", &st) == 0 && st.size == 3 && st.mode == 0644);
  CHECK(ember::unlink("/tmp/ut-files/a") == 0);
  CHECK(ember::stat("/tmp/ut-files/a", &st) == i64(Error::NoEntry));
  CHECK(ember::rmdir("/tmp/ut-files") == 0);
  return true;
}

bool append_and_seek() {
  CHECK(ember::mkdir("/tmp/ut-append") == 0);
  i64 a = ember::open("/tmp/ut-append/log", kCreate | abi::kOpenAppend);
  i64 b = ember::open("/tmp/ut-append/log", abi::kOpenWrite | abi::kOpenAppend);
  CHECK(a >= 0 && b >= 0);
  CHECK(put(int(a), "one ") == 4 && put(int(b), "two ") == 4);
  CHECK(ember::lseek(int(a), 0, abi::kSeekSet) == 0);
  CHECK(put(int(a), "three") == 5);  // still at the end: the offset does not matter
  CHECK(ember::lseek(int(a), 0, abi::kSeekCurrent) == 13);
  ember::close(int(a));
  ember::close(int(b));
  CHECK(holds("/tmp/ut-append/log", "one two three"));
  // Past the end: allowed, and the gap reads as zeros once written after it.
  i64 fd = ember::open("/tmp/ut-append/sparse", kCreate);
  CHECK(ember::lseek(int(fd), 5000, abi::kSeekSet) == 5000);
  CHECK(put(int(fd), "end") == 3);
  CHECK(ember::lseek(int(fd), -3, abi::kSeekEnd) == 5000);
  CHECK(ember::lseek(int(fd), -5001, abi::kSeekCurrent) == i64(Error::Invalid));
  CHECK(ember::lseek(int(fd), 0, 7) == i64(Error::Invalid));
  CHECK(ember::lseek(int(fd), 4990, abi::kSeekSet) == 4990);
  char text[16] = {};
  CHECK(ember::read(int(fd), text, sizeof(text)) == 13);
  for (int i = 0; i < 10; ++i) CHECK(text[i] == 0);
  CHECK(same(text + 10, "end", 3));
  CHECK(ember::lseek(1, 0, abi::kSeekSet) == i64(Error::Invalid));  // the console
  ember::close(int(fd));
  CHECK(ember::unlink("/tmp/ut-append/log") == 0 && ember::unlink("/tmp/ut-append/sparse") == 0);
  CHECK(ember::rmdir("/tmp/ut-append") == 0);
  return true;
}

bool unlink_while_open() {
  i64 fd = ember::open("/tmp/ut-orphan", kCreate);
  CHECK(fd >= 0 && put(int(fd), "kept") == 4);
  CHECK(ember::unlink("/tmp/ut-orphan") == 0);
  abi::Stat st{};
  CHECK(ember::stat("/tmp/ut-orphan", &st) == i64(Error::NoEntry));
  CHECK(put(int(fd), "!") == 1);
  CHECK(ember::fstat(int(fd), &st) == 0 && st.size == 5);
  char text[8] = {};
  CHECK(ember::lseek(int(fd), 0, abi::kSeekSet) == 0);
  CHECK(ember::read(int(fd), text, sizeof(text)) == 5 && same(text, "kept!", 5));
  i64 copy = ember::dup(int(fd));  // the file lives until the last descriptor closes
  CHECK(copy > fd);
  ember::close(int(fd));
  CHECK(ember::lseek(int(copy), 0, abi::kSeekSet) == 0);
  CHECK(ember::read(int(copy), text, sizeof(text)) == 5);
  ember::close(int(copy));
  // The name is free for a new, empty file.
  fd = ember::open("/tmp/ut-orphan", kCreate | abi::kOpenExclusive);
  CHECK(fd >= 0 && ember::fstat(int(fd), &st) == 0 && st.size == 0);
  ember::close(int(fd));
  CHECK(ember::unlink("/tmp/ut-orphan") == 0);
  return true;
}

bool rename_and_directories() {
  CHECK(ember::mkdir("/tmp/ut-dir") == 0);
  CHECK(ember::mkdir("/tmp/ut-dir") == i64(Error::Exists));
  CHECK(ember::mkdir("/tmp/ut-dir/sub") == 0);
  i64 fd = ember::open("/tmp/ut-dir/sub/f", kCreate);
  CHECK(fd >= 0 && put(int(fd), "data") == 4);
  ember::close(int(fd));
  CHECK(ember::rmdir("/tmp/ut-dir/sub") == i64(Error::NotEmpty));
  CHECK(ember::rmdir("/tmp/ut-dir/sub/f") == i64(Error::NotDirectory));
  CHECK(ember::unlink("/tmp/ut-dir/sub") == i64(Error::IsDirectory));
  CHECK(ember::rename("/tmp/ut-dir/sub/f", "/tmp/ut-dir/g") == 0);
  CHECK(holds("/tmp/ut-dir/g", "data"));
  CHECK(ember::rename("/tmp/ut-dir", "/tmp/ut-dir/sub/inside") == i64(Error::Invalid));
  CHECK(ember::rename("/tmp/ut-dir/g", "/tmp/ut-dir/sub") == i64(Error::IsDirectory));
  CHECK(ember::rename("/tmp/ut-dir/sub", "/tmp/ut-dir/moved") == 0);
  CHECK(ember::rename("/tmp/ut-dir/g", "/etc/g") == i64(Error::CrossDevice));
  // readdir lists what is there.
  fd = ember::open("/tmp/ut-dir", abi::kOpenRead);
  CHECK(fd >= 0);
  abi::DirEntry e{};
  int files = 0, dirs = 0;
  while (ember::readdir(int(fd), &e) == 1) {
    if (ember::streq(e.name, "g")) files += e.type == abi::FileType::File && e.size == 4;
    if (ember::streq(e.name, "moved")) dirs += e.type == abi::FileType::Directory;
  }
  ember::close(int(fd));
  CHECK(files == 1 && dirs == 1);
  CHECK(ember::unlink("/tmp/ut-dir/g") == 0 && ember::rmdir("/tmp/ut-dir/moved") == 0);
  CHECK(ember::rmdir("/tmp/ut-dir") == 0);
  return true;
}

bool current_directory() {
  char cwd[abi::kMaxPath + 2];
  CHECK(ember::getcwd(cwd, sizeof(cwd)) == 1 && ember::streq(cwd, "/"));
  CHECK(ember::mkdir("/tmp/ut-cwd") == 0);
  CHECK(ember::chdir("/tmp/ut-cwd") == 0);
  CHECK(ember::getcwd(cwd, sizeof(cwd)) == 11 && ember::streq(cwd, "/tmp/ut-cwd"));
  CHECK(ember::getcwd(cwd, 11) == i64(Error::Invalid));  // no room for the NUL
  i64 fd = ember::open("rel", kCreate);
  CHECK(fd >= 0 && put(int(fd), "relative") == 8);
  ember::close(int(fd));
  CHECK(holds("/tmp/ut-cwd/rel", "relative"));
  CHECK(holds("./../ut-cwd/rel", "relative"));
  // ".." crosses the mount point back to the initrd, and stops at "/".
  CHECK(holds("../../etc/../tmp/ut-cwd/rel", "relative"));
  abi::Stat st{};
  CHECK(ember::stat("../../../../bin/cat", &st) == 0 && st.type == abi::FileType::File);
  // Children start here: a forked one and a spawned one.
  const char* argv[] = {"usertests", "child-cwd", nullptr};
  CHECK(run("/bin/usertests", argv) == 0);
  i64 pid = ember::fork();
  if (pid == 0) ember::exit(ember::getcwd(cwd, sizeof(cwd)) == 11 && holds("rel", "relative"));
  i64 status = -1;
  CHECK(pid > 0 && ember::wait(pid, &status) == pid && status == 1);
  CHECK(ember::chdir("rel") == i64(Error::NotDirectory));
  CHECK(ember::chdir("/nosuch") == i64(Error::NoEntry));
  CHECK(ember::chdir("..") == 0);
  CHECK(ember::getcwd(cwd, sizeof(cwd)) == 4 && ember::streq(cwd, "/tmp"));
  CHECK(ember::chdir("..") == 0 && ember::chdir("..") == 0);
  CHECK(ember::getcwd(cwd, sizeof(cwd)) == 1 && ember::streq(cwd, "/"));
  CHECK(ember::unlink("/tmp/ut-cwd/rel") == 0 && ember::rmdir("/tmp/ut-cwd") == 0);
  return true;
}

// Fills /tmp until NoSpace, twice: the second time as much fits, so deleting freed it all.
bool full_file_system() {
  static char chunk[64 * 1024];
  for (usize i = 0; i < sizeof(chunk); ++i) chunk[i] = char(i);
  u64 filled[2] = {};
  for (u64& total : filled) {
    i64 fd = ember::open("/tmp/ut-full", kCreate | abi::kOpenExclusive);
    CHECK(fd >= 0);
    i64 n = 0;
    while ((n = ember::write(int(fd), chunk, sizeof(chunk))) > 0) total += u64(n);
    CHECK(n == i64(Error::NoSpace));
    CHECK(total > 1024 * 1024 && total % 4096 == 0);
    ember::close(int(fd));
    CHECK(ember::unlink("/tmp/ut-full") == 0);
  }
  CHECK(filled[0] == filled[1]);
  return true;
}

bool bad_paths() {
  char long_name[abi::kMaxName + 7] = "/tmp/";
  for (usize i = 5; i < sizeof(long_name) - 1; ++i) long_name[i] = 'n';
  long_name[sizeof(long_name) - 1] = 0;
  CHECK(ember::open(long_name, kCreate) == i64(Error::NameTooLong));
  static char long_path[abi::kMaxPath + 10];
  for (usize i = 0; i < sizeof(long_path) - 1; ++i) long_path[i] = i % 2 ? '/' : 'x';
  CHECK(ember::mkdir(long_path) == i64(Error::NameTooLong));
  CHECK(ember::open("/tmp/missing/f", kCreate) == i64(Error::NoEntry));
  CHECK(ember::mkdir("/tmp/missing/d") == i64(Error::NoEntry));
  i64 fd = ember::open("/tmp/ut-bad", kCreate);
  CHECK(fd >= 0);
  ember::close(int(fd));
  CHECK(ember::open("/tmp/ut-bad/x", kCreate) == i64(Error::NotDirectory));
  CHECK(ember::mkdir("/tmp/ut-bad/x") == i64(Error::NotDirectory));
  CHECK(ember::open("/tmp", abi::kOpenWrite) == i64(Error::IsDirectory));
  CHECK(ember::open("", 0) == i64(Error::NoEntry));
  CHECK(ember::rmdir("/tmp") == i64(Error::Busy));
  CHECK(ember::rmdir("/") == i64(Error::Busy));
  CHECK(ember::rename("/tmp", "/tmp2") == i64(Error::Busy));
  CHECK(ember::mkdir("/tmp/..") == i64(Error::Exists));   // "/" is there
  CHECK(ember::rmdir("/tmp/../..") == i64(Error::Busy));  // still "/"
  // The initrd stays read-only.
  CHECK(ember::open("/etc/motd", abi::kOpenWrite) == i64(Error::ReadOnly));
  CHECK(ember::open("/etc/new", kCreate) == i64(Error::ReadOnly));
  CHECK(ember::mkdir("/etc/d") == i64(Error::ReadOnly));
  CHECK(ember::unlink("/etc/motd") == i64(Error::ReadOnly));
  CHECK(ember::open("/etc/motd", 0x10000) == i64(Error::Invalid));
  // Bad pointers are Fault, never a crash.
  auto* bad = reinterpret_cast<const char*>(opaque(kKernelAddress));
  CHECK(ember::open(bad, 0) == i64(Error::Fault));
  CHECK(ember::mkdir(reinterpret_cast<const char*>(opaque(0x10))) == i64(Error::Fault));
  CHECK(ember::rename("/tmp/ut-bad", bad) == i64(Error::Fault));
  CHECK(ember::chdir(bad) == i64(Error::Fault));
  CHECK(ember::getcwd(reinterpret_cast<char*>(opaque(kKernelAddress)), 64) == i64(Error::Fault));
  fd = ember::open("/tmp/ut-bad", 0);
  CHECK(ember::fstat(int(fd), reinterpret_cast<abi::Stat*>(opaque(kKernelAddress))) ==
        i64(Error::Fault));
  ember::close(int(fd));
  CHECK(ember::fstat(int(fd), nullptr) == i64(Error::BadDescriptor));
  CHECK(ember::dup(99) == i64(Error::BadDescriptor));
  CHECK(ember::unlink("/tmp/ut-bad") == 0);
  return true;
}

// The offset belongs to the open-file description: a forked child and a dup'd descriptor
// advance the same one.
bool shared_offsets() {
  i64 fd = ember::open("/tmp/ut-offset", kCreate | abi::kOpenTruncate);
  CHECK(fd >= 0);
  i64 pid = ember::fork();
  if (pid == 0) ember::exit(put(int(fd), "child,") == 6 ? 0 : 1);
  i64 status = -1;
  CHECK(pid > 0 && ember::wait(pid, &status) == pid && status == 0);
  CHECK(ember::lseek(int(fd), 0, abi::kSeekCurrent) == 6);
  CHECK(put(int(fd), "parent,") == 7);
  i64 copy = ember::dup(int(fd));
  CHECK(put(int(copy), "dup") == 3);
  CHECK(ember::lseek(int(fd), 0, abi::kSeekCurrent) == 16);
  ember::close(int(copy));
  ember::close(int(fd));
  CHECK(holds("/tmp/ut-offset", "child,parent,dup"));
  CHECK(ember::unlink("/tmp/ut-offset") == 0);
  return true;
}

int child(const char* mode) {
  if (!ember::streq(mode, "child-cwd")) return -1;
  char cwd[abi::kMaxPath + 2];
  return ember::getcwd(cwd, sizeof(cwd)) == 11 && ember::streq(cwd, "/tmp/ut-cwd") &&
                 holds("rel", "relative")
             ? 0
             : 1;
}

}  // namespace ramfs_tests
