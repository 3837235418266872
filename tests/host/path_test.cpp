// libk/path.hpp: absolute paths normalised the way the VFS resolves them.
#include <catch2/catch.hpp>
#include <string>

#include <libk/path.hpp>

using libk::path::Problem;

namespace {

std::string norm(const char* p) {
  char out[libk::path::kMaxPath + 1];
  auto n = libk::path::normalize(p, out);
  REQUIRE(n.ok());
  REQUIRE(out[n.value()] == 0);
  return std::string(out, n.value());
}

Problem problem(const std::string& p) {
  char out[libk::path::kMaxPath + 1];
  auto n = libk::path::normalize({p.data(), p.size()}, out);
  REQUIRE(!n.ok());
  return n.error();
}

}  // namespace

TEST_CASE("path: the root and plain paths lose their leading slash") {
  CHECK(norm("/") == "");
  CHECK(norm("/bin/cat") == "bin/cat");
  CHECK(norm("/bin/") == "bin");
}

TEST_CASE("path: dot, empty components and dot-dot are resolved") {
  CHECK(norm("//bin///cat") == "bin/cat");
  CHECK(norm("/./bin/./cat/.") == "bin/cat");
  CHECK(norm("/bin/../etc/motd") == "etc/motd");
  CHECK(norm("/a/b/c/../../d") == "a/d");
  CHECK(norm("/bin/..") == "");
}

TEST_CASE("path: dot-dot at the root stays at the root") {
  CHECK(norm("/..") == "");
  CHECK(norm("/../../etc") == "etc");
  CHECK(norm("/bin/../../../bin/cat") == "bin/cat");
}

TEST_CASE("path: names that only start with dots are names") {
  CHECK(norm("/...") == "...");
  CHECK(norm("/.hidden/..x") == ".hidden/..x");
}

TEST_CASE("path: empty, relative, too long and control characters are refused") {
  CHECK(problem("") == Problem::Empty);
  CHECK(problem("bin/cat") == Problem::Relative);
  CHECK(problem("/" + std::string(libk::path::kMaxPath, 'a')) == Problem::TooLong);
  CHECK(problem("/" + std::string(libk::path::kMaxComponent + 1, 'a')) == Problem::TooLong);
  CHECK(norm(("/" + std::string(libk::path::kMaxComponent, 'a')).c_str()).size() ==
        libk::path::kMaxComponent);
  CHECK(problem(std::string("/a\nb")) == Problem::BadCharacter);
  CHECK(problem(std::string("/a\0b", 4)) == Problem::BadCharacter);
}

TEST_CASE("path: a path of exactly the limit fits, one more byte does not") {
  std::string ok = "/" + std::string(100, 'a') + "/" + std::string(100, 'b') + "/" +
                   std::string(libk::path::kMaxPath - 203, 'c');
  REQUIRE(ok.size() == libk::path::kMaxPath);
  CHECK(norm(ok.c_str()).size() == libk::path::kMaxPath - 1);
  CHECK(problem(ok + "c") == Problem::TooLong);
}

TEST_CASE("path: a small output buffer is TooLong, never overrun") {
  char out[4];
  CHECK(libk::path::normalize("/abcd", out).error() == Problem::TooLong);
  CHECK(libk::path::normalize("/abc", out).value() == 3);
}

TEST_CASE("path: components, base name, parent and inside") {
  libk::path::Components c("etc/motd");
  CHECK(c.next() == "etc");
  CHECK(c.next() == "motd");
  CHECK(c.next().empty());
  CHECK(libk::path::base_name("etc/motd") == "motd");
  CHECK(libk::path::base_name("motd") == "motd");
  CHECK(libk::path::parent("etc/motd") == "etc");
  CHECK(libk::path::parent("motd") == "");
  libk::StringView rest;
  CHECK(libk::path::inside("", "bin/cat", rest));
  CHECK(rest == "bin/cat");
  CHECK(libk::path::inside("bin", "bin/x/y", rest));
  CHECK(rest == "x/y");
  CHECK_FALSE(libk::path::inside("bin", "bin", rest));
  CHECK_FALSE(libk::path::inside("bin", "binary/x", rest));
  CHECK_FALSE(libk::path::inside("", "", rest));
}

namespace {

std::string resolved(const char* cwd, const char* p) {
  char out[libk::path::kMaxPath + 1];
  auto n = libk::path::resolve(cwd, p, out);
  REQUIRE(n.ok());
  return std::string(out, n.value());
}

}  // namespace

TEST_CASE("path: resolve takes relative paths from the directory, absolute ones from the root") {
  CHECK(resolved("tmp", "a/b") == "tmp/a/b");
  CHECK(resolved("tmp", "/bin/cat") == "bin/cat");
  CHECK(resolved("", "x") == "x");
  CHECK(resolved("tmp/d", ".") == "tmp/d");
  CHECK(resolved("tmp/d", "../..") == "");
  CHECK(resolved("tmp", "../../../bin") == "bin");  // above the root stays at the root
  CHECK(resolved("tmp", "./x/../y/") == "tmp/y");
}

TEST_CASE("path: resolve refuses empty paths and results that grow too long") {
  char out[libk::path::kMaxPath + 1];
  CHECK(libk::path::resolve("tmp", "", out).error() == Problem::Empty);
  std::string deep(200, 'd');
  std::string name(80, 'n');
  CHECK(libk::path::resolve({deep.data(), deep.size()}, {name.data(), name.size()}, out).error() ==
        Problem::TooLong);
  CHECK(libk::path::resolve({deep.data(), deep.size()}, "..", out).value() == 0);
  // The absolute form ("/" + the result) must fit in kMaxPath: getcwd returns it.
  std::string edge(libk::path::kMaxPath - 5, 'e');
  CHECK(libk::path::resolve({edge.data(), edge.size()}, "abc", out).value() ==
        libk::path::kMaxPath - 1);
  CHECK(libk::path::resolve({edge.data(), edge.size()}, "abcd", out).error() == Problem::TooLong);
}
