// libk/ramfs.hpp against a model: random creates, writes, truncates, renames and removals on
// a small tree with tight limits, checked after every step against a std::map of paths, and
// everything freed at the end.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <random>

#include "ramfs_fixture.hpp"

using abi::Error;
using ramfs_test::Fixture;
using ramfs_test::Ino;
using ramfs_test::Kind;

namespace {

struct Node {
  bool dir = false;
  std::shared_ptr<std::string> data = std::make_shared<std::string>();
};

struct Handle {
  Ino ino;
  std::shared_ptr<std::string> data;
};

class Model {
 public:
  Model(Fixture& f, u64 seed) : f_(f), rng_(seed) {}

  void step() {
    switch (pick(9)) {
      case 0: create(Kind::File); break;
      case 1: create(Kind::Directory); break;
      case 2:
      case 3: write(); break;
      case 4: truncate(); break;
      case 5: remove(); break;
      case 6: rename(); break;
      case 7: open(); break;
      case 8: close_one(); break;
    }
    check_tree("", Fixture::sv(""), 0);
    CHECK(f_.fs.usage().inodes == 1 + tree_.size() + unlinked_open());
    CHECK(f_.fs.usage().bytes == f_.blocks.live() * f_.fs.block_size());
  }

  void tear_down() {
    while (!handles_.empty()) close_one();
    while (!tree_.empty()) {
      auto last = std::prev(tree_.end());  // children sort after their parent
      std::string path = last->first;
      Error e{};
      auto r = last->second.dir ? f_.fs.rmdir(dir_of(path), Fixture::sv(base(path)))
                                : f_.fs.unlink(dir_of(path), Fixture::sv(base(path)));
      if (!r) e = r.error();
      REQUIRE(r.ok());
      tree_.erase(last);
      (void)e;
    }
    CHECK(f_.fs.usage().inodes == 1);
    CHECK(f_.blocks.live() == 0);
  }

 private:
  u64 pick(u64 n) { return rng_() % n; }

  static std::string base(const std::string& path) {
    auto slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
  }
  static std::string parent_of(const std::string& path) {
    auto slash = path.rfind('/');
    return slash == std::string::npos ? "" : path.substr(0, slash);
  }
  static std::string join(const std::string& dir, const std::string& name) {
    return dir.empty() ? name : dir + "/" + name;
  }

  Ino resolve(const std::string& path) {
    Ino ino = 0;
    size_t at = 0;
    while (at < path.size()) {
      size_t end = path.find('/', at);
      if (end == std::string::npos) end = path.size();
      auto r = f_.fs.lookup(ino, Fixture::sv(path.substr(at, end - at)));
      REQUIRE(r.ok());
      ino = r.value();
      at = end + 1;
    }
    return ino;
  }
  Ino dir_of(const std::string& path) { return resolve(parent_of(path)); }

  // A random existing directory ("" the root) and a random name: a path that may exist.
  std::string any_path() {
    std::vector<std::string> dirs{""};
    for (auto& [p, n] : tree_)
      if (n.dir && std::count(p.begin(), p.end(), '/') < 2) dirs.push_back(p);
    static const char* names[] = {"a", "b", "c", "d"};
    return join(dirs[pick(dirs.size())], names[pick(4)]);
  }
  std::string existing(bool want_dir) {
    std::vector<std::string> all;
    for (auto& [p, n] : tree_)
      if (n.dir == want_dir) all.push_back(p);
    return all.empty() ? std::string() : all[pick(all.size())];
  }
  bool has_children(const std::string& dir) {
    auto it = tree_.upper_bound(dir + "/");
    return it != tree_.end() && it->first.rfind(dir + "/", 0) == 0;
  }

  void create(Kind kind) {
    std::string path = any_path();
    auto r = f_.fs.create(dir_of(path), Fixture::sv(base(path)), kind);
    if (tree_.count(path)) {
      CHECK(r.error() == Error::Exists);
      return;
    }
    if (!r) {
      CHECK(r.error() == Error::NoSpace);
      return;
    }
    tree_[path].dir = kind == Kind::Directory;
  }

  libk::Bytes bytes(const std::string& s) {
    return {reinterpret_cast<const u8*>(s.data()), s.size()};
  }

  void write() {
    std::string path = existing(false);
    if (path.empty()) return;
    std::shared_ptr<std::string>& data = tree_[path].data;
    u64 offset = pick(data->size() + 200);
    std::string in(pick(300) + 1, char('a' + pick(26)));
    auto r = f_.fs.write(resolve(path), offset, bytes(in));
    if (!r) {
      CHECK(r.error() == Error::NoSpace);
      return;
    }
    usize n = r.value();
    if (data->size() < offset + n) data->resize(offset + n, '\0');
    data->replace(offset, n, in.substr(0, n));
  }

  void truncate() {
    std::string path = existing(false);
    if (path.empty()) return;
    u64 size = pick(700);
    REQUIRE(f_.fs.truncate(resolve(path), size).ok());
    tree_[path].data->resize(size, '\0');
  }

  void remove() {
    std::string path = pick(2) ? existing(pick(2)) : any_path();
    if (path.empty()) return;
    bool as_dir = pick(2);
    auto r = as_dir ? f_.fs.rmdir(dir_of(path), Fixture::sv(base(path)))
                    : f_.fs.unlink(dir_of(path), Fixture::sv(base(path)));
    auto it = tree_.find(path);
    if (it == tree_.end()) {
      CHECK(r.error() == Error::NoEntry);
    } else if (as_dir && !it->second.dir) {
      CHECK(r.error() == Error::NotDirectory);
    } else if (!as_dir && it->second.dir) {
      CHECK(r.error() == Error::IsDirectory);
    } else if (as_dir && has_children(path)) {
      CHECK(r.error() == Error::NotEmpty);
    } else {
      REQUIRE(r.ok());
      tree_.erase(it);
    }
  }

  // Moves `from` (and what is below it) to `to` in the model.
  void move(const std::string& from, const std::string& to) {
    std::map<std::string, Node> moved;
    for (auto it = tree_.begin(); it != tree_.end();) {
      if (it->first == from || it->first.rfind(from + "/", 0) == 0) {
        moved[to + it->first.substr(from.size())] = it->second;
        it = tree_.erase(it);
      } else {
        ++it;
      }
    }
    tree_.erase(to);
    for (auto& [p, n] : moved) tree_[p] = n;
  }

  // The error the model says rename(from, to) gives, if any.
  std::optional<Error> rename_error(const std::string& from, const std::string& to) {
    auto src = tree_.find(from);
    auto dst = tree_.find(to);
    if (src == tree_.end()) return Error::NoEntry;
    if (from == to) return std::nullopt;
    bool dir = src->second.dir;
    if (dir && to.rfind(from + "/", 0) == 0) return Error::Invalid;
    if (dst == tree_.end()) return std::nullopt;
    if (dir && !dst->second.dir) return Error::NotDirectory;
    if (!dir && dst->second.dir) return Error::IsDirectory;
    if (dst->second.dir && has_children(to)) return Error::NotEmpty;
    return std::nullopt;
  }

  void rename() {
    std::string from = pick(4) ? existing(pick(2)) : any_path();
    std::string to = any_path();
    if (from.empty()) return;
    auto r = f_.fs.rename(dir_of(from), Fixture::sv(base(from)), dir_of(to), Fixture::sv(base(to)));
    auto expected = rename_error(from, to);
    if (expected) {
      CHECK(!r.ok());
      if (!r.ok()) CHECK(r.error() == *expected);
      return;
    }
    if (!r.ok() && !tree_.count(to)) {  // a new entry may need a block
      CHECK(r.error() == Error::NoSpace);
      return;
    }
    REQUIRE(r.ok());
    if (from != to) move(from, to);
  }

  void open() {
    std::string path = existing(false);
    if (path.empty()) return;
    Ino ino = resolve(path);
    f_.fs.open(ino);
    handles_.push_back({ino, tree_[path].data});
  }

  void close_one() {
    if (handles_.empty()) return;
    size_t i = pick(handles_.size());
    Handle h = handles_[i];
    CHECK(f_.get(h.ino) == *h.data);  // readable by its opener, linked or not
    handles_.erase(handles_.begin() + i);
    f_.fs.close(h.ino);
  }

  size_t unlinked_open() {
    std::set<Ino> linked, open;
    for (auto& [p, n] : tree_) linked.insert(resolve(p));
    for (auto& h : handles_)
      if (!linked.count(h.ino)) open.insert(h.ino);
    return open.size();
  }

  // The fs's directory `dir` holds exactly the model's children of `path`, with their data.
  void check_tree(const std::string& path, libk::StringView, Ino dir) {
    std::map<std::string, bool> seen;
    abi::DirEntry e{};
    for (u64 i = 0;; ++i) {
      auto r = f_.fs.readdir(dir, i, e);
      REQUIRE(r.ok());
      if (!r.value()) break;
      std::string child = join(path, e.name);
      auto it = tree_.find(child);
      REQUIRE(it != tree_.end());
      REQUIRE(!seen.count(child));
      seen[child] = true;
      Ino ino = f_.fs.lookup(dir, e.name).value();
      CHECK((e.type == abi::FileType::Directory) == it->second.dir);
      if (it->second.dir)
        check_tree(child, e.name, ino);
      else
        CHECK(f_.get(ino) == *it->second.data);
    }
    for (auto& [p, n] : tree_)
      if (parent_of(p) == path) CHECK(seen.count(p));
  }

  Fixture& f_;
  std::mt19937_64 rng_;
  std::map<std::string, Node> tree_;
  std::vector<Handle> handles_;
};

}  // namespace

TEST_CASE("ramfs agrees with a map of paths under random operations, and frees everything") {
  u64 seed = GENERATE(1u, 2u, 3u, 4u, 5u, 6u);
  Fixture f(24, 64, 64 * 96);
  Model model(f, seed);
  for (int i = 0; i < 1500; ++i) model.step();
  model.tear_down();
}
