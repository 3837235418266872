// libk/descriptor_table.hpp: lowest free slot, dup2 and close semantics, and the references
// the table holds on open-file descriptions.
#include <catch2/catch.hpp>

#include <libk/descriptor_table.hpp>

namespace {

struct File {
  int refs = 1;
};

struct Refs {
  static void retain(File* f) { ++f->refs; }
  static void release(File* f) { --f->refs; }
};

using Table = libk::DescriptorTable<File, Refs, 4>;
using libk::DescriptorError;

}  // namespace

TEST_CASE("descriptors: install takes the lowest free slot") {
  Table t;
  File a, b, c;
  CHECK(t.install(&a).value() == 0);
  CHECK(t.install(&b).value() == 1);
  REQUIRE(t.close(0).ok());
  CHECK(a.refs == 0);
  CHECK(t.install(&c).value() == 0);
  t.clear();
}

TEST_CASE("descriptors: a full table refuses with TooMany and keeps the reference") {
  Table t;
  File f[5];
  for (int i = 0; i < 4; ++i) REQUIRE(t.install(&f[i]).ok());
  CHECK(t.install(&f[4]).error() == DescriptorError::TooMany);
  CHECK(f[4].refs == 1);
  t.clear();
  for (int i = 0; i < 4; ++i) CHECK(f[i].refs == 0);
  CHECK(t.used() == 0);
}

TEST_CASE("descriptors: closing an empty or out-of-range slot is Bad") {
  Table t;
  CHECK(t.close(0).error() == DescriptorError::Bad);
  CHECK(t.close(4).error() == DescriptorError::Bad);
  CHECK(t.close(~u64{0}).error() == DescriptorError::Bad);
  CHECK(t.get(99) == nullptr);
}

TEST_CASE("descriptors: dup2 shares the description and releases what it replaces") {
  Table t;
  File a, b;
  REQUIRE(t.install(&a).ok());  // 0
  REQUIRE(t.install(&b).ok());  // 1
  CHECK(t.dup2(0, 1).value() == 1);
  CHECK(t.get(1) == &a);
  CHECK(a.refs == 2);
  CHECK(b.refs == 0);
  CHECK(t.dup2(0, 3).value() == 3);  // into an empty slot
  CHECK(a.refs == 3);
  REQUIRE(t.close(0).ok());
  CHECK(a.refs == 2);  // the others still hold it
  t.clear();
  CHECK(a.refs == 0);
}

TEST_CASE("descriptors: dup2(fd, fd) changes nothing; a closed or bad fd is Bad") {
  Table t;
  File a;
  REQUIRE(t.install(&a).ok());
  CHECK(t.dup2(0, 0).value() == 0);
  CHECK(a.refs == 1);
  CHECK(t.dup2(1, 1).error() == DescriptorError::Bad);  // not open
  CHECK(t.dup2(0, 4).error() == DescriptorError::Bad);  // past the table
  CHECK(t.dup2(7, 0).error() == DescriptorError::Bad);
  CHECK(a.refs == 1);
  t.clear();
}

TEST_CASE("descriptors: inherit shares every slot, gaps kept, each description retained") {
  Table parent;
  File a, b;
  REQUIRE(parent.install(&a).value() == 0);
  REQUIRE(parent.install(&b).value() == 1);
  REQUIRE(parent.dup2(0, 3).value() == 3);
  REQUIRE(parent.close(1).ok());  // a gap at 1; b has no reference left
  CHECK(a.refs == 2);
  Table child;
  child.inherit(parent);
  CHECK(child.get(0) == &a);
  CHECK(child.get(1) == nullptr);
  CHECK(child.get(2) == nullptr);
  CHECK(child.get(3) == &a);
  CHECK(a.refs == 4);
  // Closing in the child leaves the parent's slots and references.
  REQUIRE(child.close(0).ok());
  CHECK(parent.get(0) == &a);
  CHECK(a.refs == 3);
  child.clear();
  parent.clear();
  CHECK(a.refs == 0);
}

TEST_CASE("descriptors: inherit of the first slots only leaves the others out") {
  Table parent;
  File a, b;
  REQUIRE(parent.install(&a).value() == 0);
  REQUIRE(parent.dup2(0, 2).value() == 2);
  REQUIRE(parent.install(&b).value() == 1);
  REQUIRE(parent.dup2(1, 3).value() == 3);
  Table child;
  child.inherit(parent, 2);
  CHECK(child.get(0) == &a);
  CHECK(child.get(1) == &b);
  CHECK(child.get(2) == nullptr);
  CHECK(child.get(3) == nullptr);
  CHECK(a.refs == 3);
  CHECK(b.refs == 3);
  child.clear();
  parent.clear();
  CHECK((a.refs == 0 && b.refs == 0));
}

TEST_CASE("descriptors: dup shares the description in the lowest free slot") {
  Table t;
  File a, b;
  REQUIRE(t.install(&a).ok());
  REQUIRE(t.install(&b).ok());
  CHECK(t.dup(1).value() == 2);
  CHECK(b.refs == 2);
  CHECK(t.get(2) == &b);
  CHECK(t.dup(3).error() == DescriptorError::Bad);
  CHECK(t.dup(1).value() == 3);
  CHECK(t.dup(0).error() == DescriptorError::TooMany);
  CHECK(a.refs == 1);  // the failed dup gave its reference back
  t.clear();
  CHECK(b.refs == 0);
}
