// A RAM file system on the host for tests: blocks from malloc, counted, with an optional cap
// standing in for memory running out.
#pragma once

#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include <libk/ramfs.hpp>

namespace ramfs_test {

using libk::ramfs::Ino;
using libk::ramfs::Kind;

class CountingBlocks final : public libk::ramfs::BlockAllocator {
 public:
  explicit CountingBlocks(usize size, usize cap = ~usize{0}) : size_(size), cap_(cap) {}
  ~CountingBlocks() {
    for (void* b : live_) std::free(b);
  }
  void* allocate() override {
    if (live_.size() >= cap_) return nullptr;
    void* b = std::malloc(size_);
    std::memset(b, 0xa5, size_);  // stale contents: the fs must zero what it uses
    live_.insert(b);
    return b;
  }
  void free(void* block) override {
    REQUIRE(live_.erase(block) == 1);
    std::free(block);
  }
  usize live() const { return live_.size(); }
  void set_cap(usize cap) { cap_ = cap; }

 private:
  usize size_;
  usize cap_;
  std::set<void*> live_;
};

struct Fixture {
  explicit Fixture(usize inodes = 32, usize block = 64, u64 max_bytes = 64 * 1024,
                   usize cap = ~usize{0})
      : table(inodes),
        blocks(block, cap),
        fs({table.data(), table.size()}, blocks, block, max_bytes) {}
  std::vector<libk::ramfs::Inode> table;
  CountingBlocks blocks;
  libk::ramfs::FileSystem fs;

  static libk::StringView sv(const std::string& s) { return {s.data(), s.size()}; }

  Ino make(const std::string& name, Kind kind = Kind::File, Ino dir = 0) {
    auto r = fs.create(dir, sv(name), kind);
    REQUIRE(r.ok());
    return r.value();
  }
  void put(Ino file, u64 offset, const std::string& data) {
    auto r = fs.write(file, offset, {reinterpret_cast<const u8*>(data.data()), data.size()});
    REQUIRE(r.ok());
    REQUIRE(r.value() == data.size());
  }
  std::string get(Ino file, u64 offset = 0, usize length = 1 << 20) {
    std::string out(length, '?');
    auto r = fs.read(file, offset, {reinterpret_cast<u8*>(out.data()), out.size()});
    REQUIRE(r.ok());
    out.resize(r.value());
    return out;
  }
  std::vector<std::string> names(Ino dir = 0) {
    std::vector<std::string> out;
    abi::DirEntry e{};
    for (u64 i = 0;; ++i) {
      auto r = fs.readdir(dir, i, e);
      REQUIRE(r.ok());
      if (!r.value()) break;
      out.emplace_back(e.name);
    }
    return out;
  }
};

}  // namespace ramfs_test
