// boot/digests.hpp: the digest table embedded in the signed loader and the policy that
// decides, per file and Secure Boot state, whether to boot.
#include <catch2/catch.hpp>
#include <cstring>
#include <string>

#include <boot/digests.hpp>

using namespace boot::digests;

namespace {

libk::Bytes bytes_of(const std::string& s) {
  return {reinterpret_cast<const u8*>(s.data()), s.size()};
}

void add(Table& t, usize slot, Role role, const char* path, const std::string& contents) {
  Entry& e = t.entries[slot];
  e.role = role;
  auto d = libk::Sha256::of(bytes_of(contents));
  std::memcpy(e.sha256, d.bytes, sizeof(e.sha256));
  std::strncpy(e.path, path, sizeof(e.path) - 1);
}

Check check_of(const Table& t, Role role, const char* path, const std::string& contents) {
  libk::Sha256Digest computed;
  Check c = check(t, role, path, bytes_of(contents), computed);
  if (c != Check::NotCovered) CHECK(computed == libk::Sha256::of(bytes_of(contents)));
  return c;
}

}  // namespace

TEST_CASE("An empty digest table is well formed and not sealed", "[digests]") {
  Table t = empty_table();
  CHECK(well_formed(t));
  CHECK_FALSE(sealed(t));
  CHECK(find(t, Role::Kernel, "") == nullptr);
  CHECK(check_of(t, Role::Kernel, "\\boot\\ember.elf", "kernel") == Check::NotCovered);
}

TEST_CASE("A table with a wrong magic, version or capacity is not well formed", "[digests]") {
  Table t = empty_table();
  t.magic ^= 1;
  CHECK_FALSE(well_formed(t));
  t = empty_table();
  t.version = 2;
  CHECK_FALSE(well_formed(t));
  t = empty_table();
  t.capacity = 9;
  CHECK_FALSE(well_formed(t));
}

TEST_CASE("Files are verified against their role's digest", "[digests]") {
  Table t = empty_table();
  add(t, 0, Role::Kernel, "\\boot\\ember.elf", "the kernel");
  add(t, 3, Role::Config, "\\boot\\ember.conf", "cmdline = quiet\n");
  CHECK(sealed(t));
  // The kernel's entry holds whatever path the configuration names.
  CHECK(check_of(t, Role::Kernel, "\\boot\\other.elf", "the kernel") == Check::Verified);
  CHECK(check_of(t, Role::Kernel, "\\boot\\ember.elf", "the kernel!") == Check::Mismatch);
  CHECK(check_of(t, Role::Config, "\\boot\\ember.conf", "cmdline = quiet\n") == Check::Verified);
  CHECK(check_of(t, Role::Config, "\\boot\\ember.conf", "cmdline = nokaslr\n") == Check::Mismatch);
}

TEST_CASE("Modules are found by their path", "[digests]") {
  Table t = empty_table();
  add(t, 1, Role::Module, "\\boot\\initrd.tar", "files");
  CHECK(check_of(t, Role::Module, "\\boot\\initrd.tar", "files") == Check::Verified);
  CHECK(check_of(t, Role::Module, "\\boot\\initrd.tar", "other files") == Check::Mismatch);
  CHECK(check_of(t, Role::Module, "\\boot\\initrd2.tar", "files") == Check::NotCovered);
  CHECK(check_of(t, Role::Kernel, "\\boot\\initrd.tar", "files") == Check::NotCovered);
  CHECK(path_of(t.entries[1]) == "\\boot\\initrd.tar");
}

TEST_CASE("Digest policy: mismatches are refused, uncovered files depend on Secure Boot",
          "[digests]") {
  for (Role role : {Role::Kernel, Role::Config, Role::Module}) {
    for (bool on : {false, true}) {
      INFO("role " << u32(role) << ", Secure Boot " << on);
      CHECK(decide(role, Check::Verified, on) == Decision::Use);
      CHECK(decide(role, Check::Mismatch, on) == Decision::Refuse);
    }
    CHECK(decide(role, Check::NotCovered, false) == Decision::Use);
  }
  CHECK(decide(Role::Kernel, Check::NotCovered, true) == Decision::Refuse);
  CHECK(decide(Role::Module, Check::NotCovered, true) == Decision::Refuse);
  CHECK(decide(Role::Config, Check::NotCovered, true) == Decision::Ignore);
}
