// libk/ramfs.hpp: targeted cases for the RAM file system's files, directories and limits.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstring>

#include "ramfs_fixture.hpp"

using abi::Error;
using ramfs_test::Fixture;
using ramfs_test::Kind;

TEST_CASE("ramfs: a file written at offsets reads back, with zeros in the holes") {
  Fixture f;
  auto ino = f.make("a");
  f.put(ino, 0, "hello");
  f.put(ino, 300, "far");  // several 64-byte blocks later
  CHECK(f.fs.stat(ino).size == 303);
  std::string all = f.get(ino);
  REQUIRE(all.size() == 303);
  CHECK(all.substr(0, 5) == "hello");
  CHECK(all.substr(5, 295) == std::string(295, '\0'));
  CHECK(all.substr(300) == "far");
  CHECK(f.get(ino, 303).empty());
  CHECK(f.get(ino, 1000).empty());
}

TEST_CASE("ramfs: holes take no blocks") {
  Fixture f;
  auto ino = f.make("sparse");
  usize before = f.blocks.live();
  f.put(ino, 64 * 40, "x");
  CHECK(f.blocks.live() == before + 2);  // one index block and one data block
}

TEST_CASE("ramfs: truncate frees blocks and a file grown again shows zeros") {
  Fixture f;
  auto ino = f.make("t");
  usize empty = f.blocks.live();
  f.put(ino, 0, std::string(200, 'z'));
  REQUIRE(f.fs.truncate(ino, 10).ok());
  CHECK(f.blocks.live() == empty + 2);
  CHECK(f.get(ino) == std::string(10, 'z'));
  REQUIRE(f.fs.truncate(ino, 100).ok());
  CHECK(f.get(ino) == std::string(10, 'z') + std::string(90, '\0'));
  REQUIRE(f.fs.truncate(ino, 0).ok());
  CHECK(f.blocks.live() == empty);
}

TEST_CASE("ramfs: create, lookup and the errors of names") {
  Fixture f;
  auto a = f.make("a");
  CHECK(f.fs.lookup(0, "a").value() == a);
  CHECK(f.fs.lookup(0, "b").error() == Error::NoEntry);
  CHECK(f.fs.create(0, "a", Kind::File).error() == Error::Exists);
  CHECK(f.fs.create(0, "", Kind::File).error() == Error::Invalid);
  CHECK(f.fs.create(0, "..", Kind::File).error() == Error::Invalid);
  CHECK(f.fs.create(0, "x/y", Kind::File).error() == Error::Invalid);
  std::string longest(libk::ramfs::kMaxName, 'n');
  CHECK(f.fs.create(0, Fixture::sv(longest), Kind::File).ok());
  CHECK(f.fs.create(0, Fixture::sv(longest + "n"), Kind::File).error() == Error::NameTooLong);
  CHECK(f.fs.lookup(a, "x").error() == Error::NotDirectory);
  CHECK(f.fs.create(a, "x", Kind::File).error() == Error::NotDirectory);
}

TEST_CASE("ramfs: unlink and rmdir refuse the wrong kind and non-empty directories") {
  Fixture f;
  auto d = f.make("d", Kind::Directory);
  f.make("file");
  f.make("inner", Kind::File, d);
  CHECK(f.fs.unlink(0, "d").error() == Error::IsDirectory);
  CHECK(f.fs.rmdir(0, "file").error() == Error::NotDirectory);
  CHECK(f.fs.rmdir(0, "d").error() == Error::NotEmpty);
  REQUIRE(f.fs.unlink(d, "inner").ok());
  REQUIRE(f.fs.rmdir(0, "d").ok());
  REQUIRE(f.fs.unlink(0, "file").ok());
  CHECK(f.names().empty());
  CHECK(f.fs.usage().inodes == 1);
  CHECK(f.blocks.live() == 0);
}

TEST_CASE("ramfs: a file unlinked while open stays readable until its last close") {
  Fixture f;
  auto ino = f.make("gone");
  f.put(ino, 0, "still here");
  f.fs.open(ino);
  f.fs.open(ino);
  REQUIRE(f.fs.unlink(0, "gone").ok());
  CHECK(f.fs.lookup(0, "gone").error() == Error::NoEntry);
  CHECK(f.get(ino) == "still here");
  f.put(ino, 10, "!");
  f.fs.close(ino);
  CHECK(f.get(ino) == "still here!");
  CHECK(f.fs.usage().inodes == 2);
  f.fs.close(ino);
  CHECK(f.fs.usage().inodes == 1);
  CHECK(f.blocks.live() == 0);
}

TEST_CASE("ramfs: a removed directory that is still open takes no new entries") {
  Fixture f;
  auto d = f.make("d", Kind::Directory);
  f.fs.open(d);
  REQUIRE(f.fs.rmdir(0, "d").ok());
  CHECK(f.fs.create(d, "x", Kind::File).error() == Error::NoEntry);
  CHECK(f.names(d).empty());
  f.fs.close(d);
  CHECK(f.fs.usage().inodes == 1);
}

TEST_CASE("ramfs: rename moves, replaces and keeps the data") {
  Fixture f;
  auto a = f.make("a");
  f.put(a, 0, "A");
  auto b = f.make("b");
  f.put(b, 0, "B");
  auto d = f.make("d", Kind::Directory);
  REQUIRE(f.fs.rename(0, "a", 0, "b").ok());  // replaces b, whose inode goes
  CHECK(f.get(f.fs.lookup(0, "b").value()) == "A");
  CHECK(f.fs.lookup(0, "a").error() == Error::NoEntry);
  CHECK(f.fs.usage().inodes == 3);
  REQUIRE(f.fs.rename(0, "b", d, "moved").ok());
  CHECK(f.fs.lookup(d, "moved").value() == a);
  CHECK(f.fs.rename(d, "moved", d, "moved").ok());  // to itself: nothing happens
  CHECK(f.fs.rename(0, "missing", 0, "x").error() == Error::NoEntry);
  (void)b;
}

TEST_CASE("ramfs: rename refuses kind mismatches, non-empty targets and moves into itself") {
  Fixture f;
  auto d = f.make("d", Kind::Directory);
  auto sub = f.make("sub", Kind::Directory, d);
  f.make("file");
  auto full = f.make("full", Kind::Directory);
  f.make("x", Kind::File, full);
  CHECK(f.fs.rename(0, "file", 0, "d").error() == Error::IsDirectory);
  CHECK(f.fs.rename(0, "d", 0, "file").error() == Error::NotDirectory);
  CHECK(f.fs.rename(0, "d", 0, "full").error() == Error::NotEmpty);
  CHECK(f.fs.rename(0, "d", d, "self").error() == Error::Invalid);
  CHECK(f.fs.rename(0, "d", sub, "deeper").error() == Error::Invalid);
  REQUIRE(f.fs.rename(d, "sub", 0, "up").ok());
  CHECK(f.fs.parent(sub) == 0);
  CHECK(f.names(d).empty());
}

TEST_CASE("ramfs: the byte limit gives NoSpace, a short write, and nothing leaks") {
  Fixture f(32, 64, 64 * 8);  // 8 blocks
  auto ino = f.make("big");
  usize before = f.blocks.live();
  std::string data(64 * 20, 'q');
  auto r = f.fs.write(ino, 0, {reinterpret_cast<const u8*>(data.data()), data.size()});
  REQUIRE(r.ok());
  CHECK(r.value() < data.size());
  CHECK(r.value() % 64 == 0);
  CHECK(f.fs.usage().bytes == 64 * 8);
  CHECK(f.fs.write(ino, r.value(), {reinterpret_cast<const u8*>("x"), 1}).error() ==
        Error::NoSpace);
  CHECK(f.fs.create(0, "another-that-needs-a-block", Kind::File).error() == Error::NoSpace);
  REQUIRE(f.fs.unlink(0, "big").ok());
  CHECK(f.blocks.live() == 0);  // the root's entry for "big" and its blocks went too
  CHECK(f.fs.usage().bytes == 0);
  (void)before;
}

TEST_CASE("ramfs: a dry allocator gives NoSpace like the limit") {
  Fixture f(32, 64, 1 << 20, 5);
  auto ino = f.make("f");  // the root's index block and two data blocks (a 108-byte record)
  CHECK(f.blocks.live() == 3);
  CHECK(f.fs.write(ino, 0, {reinterpret_cast<const u8*>("ab"), 2}).value() == 2);
  CHECK(f.fs.write(ino, 64, {reinterpret_cast<const u8*>("cd"), 2}).error() == Error::NoSpace);
  CHECK(f.blocks.live() == 5);
  CHECK(f.fs.usage().bytes == 5 * 64);
}

TEST_CASE("ramfs: the inode table bounds the number of files") {
  Fixture f(4);
  f.make("1");
  f.make("2");
  f.make("3");
  CHECK(f.fs.create(0, "4", Kind::File).error() == Error::NoSpace);
  REQUIRE(f.fs.unlink(0, "2").ok());
  CHECK(f.fs.create(0, "4", Kind::File).ok());
}

TEST_CASE("ramfs: a file is at most max_file_size bytes") {
  Fixture f(8, 64, 1 << 20);
  auto ino = f.make("f");
  u64 max = f.fs.max_file_size();
  CHECK(max == libk::ramfs::kIndexSlots * 8 * 64);
  f.put(ino, max - 1, "z");
  CHECK(f.fs.write(ino, max, {reinterpret_cast<const u8*>("z"), 1}).error() == Error::NoSpace);
  CHECK(f.fs.truncate(ino, max + 1).error() == Error::NoSpace);
  auto r = f.fs.write(ino, max - 1, {reinterpret_cast<const u8*>("ab"), 2});
  CHECK(r.value() == 1);
}

TEST_CASE("ramfs: readdir lists every entry once, and directories are not read as files") {
  Fixture f;
  for (int i = 0; i < 10; ++i) f.make("n" + std::to_string(i));
  auto d = f.make("dir", Kind::Directory);
  REQUIRE(f.fs.unlink(0, "n3").ok());
  auto names = f.names();
  std::sort(names.begin(), names.end());
  CHECK(names ==
        std::vector<std::string>{"dir", "n0", "n1", "n2", "n4", "n5", "n6", "n7", "n8", "n9"});
  u8 byte;
  CHECK(f.fs.read(d, 0, {&byte, 1}).error() == Error::IsDirectory);
  CHECK(f.fs.write(d, 0, {&byte, 1}).error() == Error::IsDirectory);
  CHECK(f.fs.stat(d).type == abi::FileType::Directory);
}
