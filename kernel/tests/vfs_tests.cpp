// In-kernel tests of the name space (docs/vfs.md): the mount table, relative paths from a
// descriptor table's current directory, ".." across mount points, the RAM file system at
// /tmp through open-file descriptions, and every block and frame given back.
#include <abi/syscalls.hpp>

#include "fs/ram_fs.hpp"
#include "fs/vfs.hpp"
#include "ktest.hpp"
#include "memory/pmm.hpp"

namespace kernel {

namespace {

using abi::Error;
using libk::StringView;

u64 free_frames() {
  pmm::drain_cache();
  return pmm::stats().free_frames;
}

libk::Bytes bytes(StringView s) { return {reinterpret_cast<const u8*>(s.data()), s.size()}; }

// A descriptor table whose current directory is `cwd`, ended by its destructor.
struct Table {
  explicit Table(StringView cwd) : files(fs::new_console_table()) {
    VERIFY(files != nullptr && fs::chdir(*files, cwd).ok());
  }
  ~Table() { fs::delete_table(files); }
  fs::FileTable* files;
};

}  // namespace

namespace {

// Creates /tmp/kt-file, writes three pages, reads them back, unlinks it while open and
// closes it.
void file_cycle(ktest::Context& t) {
  auto usage = fs::ram_fs::usage();
  auto f = fs::open("/tmp/kt-file", abi::kOpenReadWrite | abi::kOpenCreate | abi::kOpenExclusive);
  if (!KEXPECT(f.ok())) return;
  static u8 page[3 * libk::kPageSize];
  for (usize i = 0; i < sizeof(page); ++i) page[i] = u8(i * 13);
  KEXPECT_EQ(f.value()->write({page, sizeof(page)}).value(), sizeof(page));
  KEXPECT(fs::ram_fs::usage().bytes >= usage.bytes + sizeof(page));
  KEXPECT_EQ(f.value()->seek(0, abi::kSeekSet).value(), u64{0});
  static u8 back[sizeof(page)];
  KEXPECT_EQ(f.value()->read({back, sizeof(back)}).value(), sizeof(back));
  KEXPECT(__builtin_memcmp(page, back, sizeof(page)) == 0);
  KEXPECT(fs::unlink("/tmp/kt-file").ok());
  KEXPECT_EQ(fs::ram_fs::usage().inodes, usage.inodes + 1);  // open: still there
  fs::OpenFile::release(f.value());
}

}  // namespace

KTEST("fs.vfs.tmp_file_written_read_and_its_frames_back") {
  file_cycle(t);  // the heap's caches grow once, here
  u64 frames = free_frames();
  auto usage = fs::ram_fs::usage();
  u64 files = fs::open_files();
  file_cycle(t);
  KEXPECT_EQ(fs::ram_fs::usage().inodes, usage.inodes);
  KEXPECT_EQ(fs::ram_fs::usage().bytes, usage.bytes);
  KEXPECT_EQ(free_frames(), frames);
  KEXPECT_EQ(fs::open_files(), files);
}

KTEST("fs.vfs.dot_dot_crosses_mount_points") {
  KEXPECT(fs::stat("/tmp").value().type == abi::FileType::Directory);
  KEXPECT(fs::stat("/tmp/../etc/motd").ok());
  KEXPECT(fs::stat("/tmp/../../..").value().type == abi::FileType::Directory);
  KEXPECT(fs::stat("/dev/../tmp/.").value().type == abi::FileType::Directory);
  KEXPECT(fs::stat("/tmp/../tmp/../dev/console").value().type == abi::FileType::Device);
  KEXPECT(fs::stat("/tmp/nosuch/..").ok());  // by name: POSIX would look nosuch up first
}

KTEST("fs.vfs.relative_paths_from_the_current_directory") {
  u64 files = fs::open_files();
  {
    Table here("/tmp");
    KEXPECT(fs::mkdir("kt-dir", here.files).ok());
    KEXPECT(fs::chdir(*here.files, "kt-dir").ok());
    char cwd[abi::kMaxPath + 1];
    KEXPECT(StringView(cwd, here.files->cwd(cwd)) == "tmp/kt-dir");
    auto f = fs::open("f", abi::kOpenWrite | abi::kOpenCreate, here.files);
    if (KEXPECT(f.ok())) {
      KEXPECT_EQ(f.value()->write(bytes("relative")).value(), usize{8});
      fs::OpenFile::release(f.value());
    }
    KEXPECT_EQ(fs::stat("/tmp/kt-dir/f").value().size, u64{8});
    KEXPECT(fs::stat("../../etc/motd", here.files).ok());
    KEXPECT(fs::chdir(*here.files, "f").error() == Error::NotDirectory);
    KEXPECT(fs::rename("f", "../kt-moved", here.files).ok());
    KEXPECT(fs::unlink("/tmp/kt-moved").ok());
    KEXPECT(fs::chdir(*here.files, "../..").ok());
    KEXPECT_EQ(here.files->cwd(cwd), usize{0});
    KEXPECT(fs::rmdir("tmp/kt-dir", here.files).ok());
    fs::FileTable* child = fs::inherit_table(*here.files);
    if (KEXPECT(child != nullptr)) {
      KEXPECT_EQ(child->cwd(cwd), usize{0});
      fs::delete_table(child);
    }
  }
  KEXPECT_EQ(fs::open_files(), files);
}

KTEST("fs.vfs.mount_points_and_the_initrd_refuse_changes") {
  KEXPECT(fs::rmdir("/tmp").error() == Error::Busy);
  KEXPECT(fs::rmdir("/").error() == Error::Busy);
  KEXPECT(fs::rename("/tmp", "/x").error() == Error::Busy);
  KEXPECT(fs::mkdir("/dev").error() == Error::Exists);
  KEXPECT(fs::mkdir("/etc/x").error() == Error::ReadOnly);
  KEXPECT(fs::unlink("/etc/motd").error() == Error::ReadOnly);
  KEXPECT(fs::rename("/etc/motd", "/tmp/motd").error() == Error::CrossDevice);
  KEXPECT(fs::open("/tmp", abi::kOpenWrite).error() == Error::IsDirectory);
  KEXPECT(fs::open("/dev/console/x", 0).error() == Error::NotDirectory);
}

KTEST("fs.vfs.dev_lists_the_console") {
  auto dir = fs::open("/dev", abi::kOpenRead);
  if (!KEXPECT(dir.ok())) return;
  abi::DirEntry e{};
  KEXPECT(dir.value()->readdir(e).value());
  KEXPECT(StringView(e.name) == "console" && e.type == abi::FileType::Device);
  KEXPECT(!dir.value()->readdir(e).value());
  fs::OpenFile::release(dir.value());
}

namespace {

// Takes `room` bytes, then fails as a user buffer that ends in an unmapped page would.
class ShortSink final : public fs::ReadSink {
 public:
  explicit ShortSink(usize room) : room_(room) {}
  fs::Result<void> put(libk::Bytes in) override {
    if (in.size() > room_) return libk::unexpected(Error::Fault);
    room_ -= in.size();
    taken_ += in.size();
    return {};
  }
  usize taken_ = 0;

 private:
  usize room_;
};

}  // namespace

// A read that faults part-way returns what was taken, and the offset advances by that much
// only: the rest is read again next time.
KTEST("fs.vfs.read_that_faults_part_way_keeps_the_rest") {
  auto f = fs::open("/tmp/kt-short", abi::kOpenReadWrite | abi::kOpenCreate);
  if (!KEXPECT(f.ok())) return;
  static u8 data[3 * fs::kWriteChunk];
  for (usize i = 0; i < sizeof(data); ++i) data[i] = u8(i);
  KEXPECT_EQ(f.value()->write({data, sizeof(data)}).value(), sizeof(data));
  KEXPECT_EQ(f.value()->seek(0, abi::kSeekSet).value(), u64{0});
  ShortSink sink(fs::kWriteChunk);
  KEXPECT_EQ(f.value()->read(sink, sizeof(data)).value(), fs::kWriteChunk);
  KEXPECT_EQ(f.value()->seek(0, abi::kSeekCurrent).value(), u64{fs::kWriteChunk});
  ShortSink none(0);
  KEXPECT(f.value()->read(none, sizeof(data)).error() == Error::Fault);
  KEXPECT_EQ(f.value()->seek(0, abi::kSeekCurrent).value(), u64{fs::kWriteChunk});
  fs::OpenFile::release(f.value());
  KEXPECT(fs::unlink("/tmp/kt-short").ok());
}

// Listing "/" shows the initrd's entries, then each mount point right below it once.
KTEST("fs.vfs.root_lists_its_mount_points") {
  auto dir = fs::open("/", abi::kOpenRead);
  if (!KEXPECT(dir.ok())) return;
  abi::DirEntry e{};
  u32 tmp = 0, dev = 0, bin = 0;
  while (dir.value()->readdir(e).value()) {
    tmp += StringView(e.name) == "tmp" && e.type == abi::FileType::Directory;
    dev += StringView(e.name) == "dev" && e.type == abi::FileType::Directory;
    bin += StringView(e.name) == "bin";
  }
  KEXPECT(tmp == 1 && dev == 1 && bin == 1);
  KEXPECT_EQ(dir.value()->seek(0, abi::kSeekSet).value(), u64{0});  // and again from the start
  u32 again = 0;
  while (dir.value()->readdir(e).value()) again += StringView(e.name) == "tmp";
  KEXPECT_EQ(again, u32{1});
  fs::OpenFile::release(dir.value());
}

// O_APPEND from two descriptions: each write lands at the end, none overwrites another.
KTEST("fs.vfs.append_from_two_descriptions") {
  constexpr u64 kFlags = abi::kOpenWrite | abi::kOpenCreate | abi::kOpenAppend;
  auto a = fs::open("/tmp/kt-log", kFlags);
  auto b = fs::open("/tmp/kt-log", kFlags);
  if (!KEXPECT(a.ok() && b.ok())) return;
  for (int i = 0; i < 10; ++i) {
    KEXPECT(a.value()->write(bytes("aa")).ok());
    KEXPECT(b.value()->write(bytes("b")).ok());
  }
  KEXPECT_EQ(fs::stat("/tmp/kt-log").value().size, u64{30});
  fs::OpenFile::release(a.value());
  fs::OpenFile::release(b.value());
  KEXPECT(fs::unlink("/tmp/kt-log").ok());
}

}  // namespace kernel

namespace kernel {

// A system call holds the description behind a descriptor (FileTable::hold) while it uses
// it: another thread's close of that descriptor drops only the table's reference, and the
// description lives, readable, until the call's hold ends.
KTEST("fs.vfs.a_held_description_outlives_a_close_of_its_descriptor") {
  Table table("/");
  auto opened = fs::open("/etc/motd", abi::kOpenRead);
  if (!KEXPECT(opened.ok())) return;
  auto fd = table.files->install(opened.value());
  if (!KEXPECT(fd.ok())) return;
  u64 files = fs::open_files();
  {
    fs::FileRef held = table.files->hold(fd.value());
    if (!KEXPECT(static_cast<bool>(held))) return;
    KEXPECT(table.files->close(fd.value()).ok());  // as another thread would
    KEXPECT(!table.files->hold(fd.value()));       // the descriptor is gone
    KEXPECT_EQ(fs::open_files(), files);           // the description is not
    u8 byte = 0;
    KEXPECT_EQ(held->read({&byte, 1}).value(), usize{1});
  }
  KEXPECT_EQ(fs::open_files(), files - 1);  // freed with the last hold
  KEXPECT(!table.files->hold(abi::kMaxFiles));
}

// An undo by description (pipe's failed copy-out): a slot closed and reused by another
// thread meanwhile keeps the new file.
KTEST("fs.vfs.close_if_leaves_a_reused_slot_alone") {
  Table table("/");
  auto first = fs::open("/etc/motd", abi::kOpenRead);
  auto second = fs::open("/etc/motd", abi::kOpenRead);
  if (!KEXPECT(first.ok() && second.ok())) return;
  auto fd = table.files->install(first.value());
  if (!KEXPECT(fd.ok())) return;
  u64 files = fs::open_files();
  KEXPECT(table.files->close(fd.value()).ok());  // another thread closes it...
  KEXPECT_EQ(fs::open_files(), files - 1);
  auto again = table.files->install(second.value());  // ...and opens another file there
  if (!KEXPECT(again.ok() && again.value() == fd.value())) return;
  KEXPECT(!table.files->close_if(fd.value(), first.value()));
  {
    fs::FileRef still = table.files->hold(fd.value());
    KEXPECT(&*still == second.value());
  }
  KEXPECT(table.files->close_if(fd.value(), second.value()));
  KEXPECT(!table.files->hold(fd.value()));
  KEXPECT_EQ(fs::open_files(), files - 2);
}

// Every path the file system accepts has an absolute form of at most kMaxPath bytes, which
// getcwd returns and every path call takes back: a directory one byte deeper cannot be made.
KTEST("fs.vfs.no_directory_deeper_than_getcwd_can_return") {
  u64 files = fs::open_files();
  {
    Table here("/tmp");
    char a[101], b[101], c[50];
    __builtin_memset(a, 'a', 100), __builtin_memset(b, 'b', 100), __builtin_memset(c, 'c', 49);
    StringView first(a, 100), second(b, 100);
    KEXPECT(fs::mkdir(first, here.files).ok());
    KEXPECT(fs::chdir(*here.files, first).ok());
    KEXPECT(fs::mkdir(second, here.files).ok());
    KEXPECT(fs::chdir(*here.files, second).ok());
    // "tmp/" 4 + 100 + "/" + 100 + "/" = 206 bytes: a name of 48 makes 254 (255 with the
    // leading "/"), one of 49 would make 256.
    KEXPECT(fs::mkdir(StringView(c, 49), here.files).error() == Error::NameTooLong);
    KEXPECT(fs::mkdir(StringView(c, 48), here.files).ok());
    KEXPECT(fs::chdir(*here.files, StringView(c, 48)).ok());
    char cwd[abi::kMaxPath + 1];
    KEXPECT_EQ(here.files->cwd(cwd), abi::kMaxPath - 1);
    KEXPECT(fs::chdir(*here.files, "/tmp").ok());
    char deep[abi::kMaxPath + 1];
    libk::BufferSink out(deep, sizeof(deep));
    libk::format_to(out, "{}/{}/{}", first, second, StringView(c, 48));
    KEXPECT(fs::rmdir(StringView(deep, out.length()), here.files).ok());
    KEXPECT(fs::rmdir(StringView(deep, 100 + 1 + 100), here.files).ok());
    KEXPECT(fs::rmdir(first, here.files).ok());
  }
  KEXPECT_EQ(fs::open_files(), files);
}

}  // namespace kernel
