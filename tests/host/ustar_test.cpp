// libk/ustar.hpp: the initrd's archive reader. Archives are built here byte by byte (the
// layout POSIX.1-2017 gives for ustar headers); each rejection test breaks one thing.
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include <libk/ustar.hpp>

#include "string_sink.hpp"

using libk::ustar::EntryType;
using libk::ustar::Problem;

namespace {

constexpr usize kBlock = libk::ustar::kBlockSize;

struct Member {
  Member(std::string n, std::string d, char t = '0', std::string p = "")
      : name(std::move(n)), data(std::move(d)), type(t), prefix(std::move(p)) {}
  std::string name;
  std::string data;
  char type;
  std::string prefix;
};

void put_octal(std::vector<u8>& a, usize at, usize width, u64 value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%0*llo", int(width - 1), static_cast<unsigned long long>(value));
  std::memcpy(a.data() + at, buf, width - 1);  // NUL-terminated field
}

void seal_checksum(std::vector<u8>& a, usize header) {
  std::memset(a.data() + header + 148, ' ', 8);
  u64 sum = 0;
  for (usize i = 0; i < kBlock; ++i) sum += a[header + i];
  char buf[8];
  std::snprintf(buf, sizeof buf, "%06llo", static_cast<unsigned long long>(sum));
  std::memcpy(a.data() + header + 148, buf, 7);  // six digits, NUL, then the space
}

std::vector<u8> archive(const std::vector<Member>& members, bool end_marker = true) {
  std::vector<u8> a;
  for (const Member& m : members) {
    usize h = a.size();
    a.resize(h + kBlock, 0);
    std::memcpy(a.data() + h, m.name.data(), std::min<usize>(m.name.size(), 100));
    put_octal(a, h + 100, 8, m.type == '5' ? 0755 : 0644);
    put_octal(a, h + 108, 8, 0);
    put_octal(a, h + 116, 8, 0);
    put_octal(a, h + 124, 12, m.data.size());
    put_octal(a, h + 136, 12, 0);
    a[h + 156] = u8(m.type);
    std::memcpy(a.data() + h + 257,
                "ustar\0"
                "00",
                8);
    std::memcpy(a.data() + h + 345, m.prefix.data(), std::min<usize>(m.prefix.size(), 155));
    seal_checksum(a, h);
    usize d = a.size();
    a.resize(d + libk::align_up(m.data.size(), kBlock), 0);
    std::memcpy(a.data() + d, m.data.data(), m.data.size());
  }
  if (end_marker) a.resize(a.size() + 2 * kBlock, 0);
  return a;
}

libk::Bytes bytes(const std::vector<u8>& a) { return {a.data(), a.size()}; }

std::string str(libk::Bytes b) {
  return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

Problem rejection(const std::vector<u8>& a) {
  auto r = libk::ustar::validate(bytes(a));
  REQUIRE_FALSE(r.ok());
  return r.error().problem;
}

const std::vector<Member> kSample = {
    {"bin/", "", '5'}, {"bin/hello", "hello program"}, {"bin/crash", std::string(1300, 'c')}};

}  // namespace

TEST_CASE("ustar: entries come back in order with their paths, types and data") {
  auto a = archive(kSample);
  libk::ustar::Reader reader(bytes(a));
  auto e0 = reader.next();
  REQUIRE(e0.ok());
  REQUIRE(e0.value());
  CHECK(test::str(e0.value()->path()) == "bin");
  CHECK(e0.value()->type == EntryType::Directory);
  auto e1 = reader.next().value();
  REQUIRE(e1);
  CHECK(test::str(e1->path()) == "bin/hello");
  CHECK(e1->type == EntryType::File);
  CHECK(e1->mode == 0644);
  CHECK(str(e1->data) == "hello program");
  auto e2 = reader.next().value();
  REQUIRE(e2);
  CHECK(e2->data.size() == 1300);
  CHECK(e2->header_offset == 3 * kBlock);  // 1 + (1 + 1 data block) headers before it
  auto end = reader.next();
  REQUIRE(end.ok());
  CHECK_FALSE(end.value());
  CHECK_FALSE(reader.next().value());  // stays at the end
  CHECK(libk::ustar::validate(bytes(a)).value() == 3);
}

TEST_CASE("ustar: find ignores a leading slash and ./, and says when a path is absent") {
  auto a = archive({{"./bin/hello", "hi"}, {"etc/motd", "m"}});
  auto found = libk::ustar::find(bytes(a), "/bin/hello");
  REQUIRE(found.ok());
  REQUIRE(found.value());
  CHECK(str(found.value()->data) == "hi");
  auto absent = libk::ustar::find(bytes(a), "/bin/nothing");
  REQUIRE(absent.ok());
  CHECK_FALSE(absent.value());
  CHECK_FALSE(libk::ustar::find(bytes(a), "/bin/hell").value());
}

TEST_CASE("ustar: the prefix field is joined to the name") {
  auto a = archive({{"hello", "x", '0', "usr/local/bin"}});
  auto found = libk::ustar::find(bytes(a), "usr/local/bin/hello");
  REQUIRE(found.ok());
  CHECK(found.value());
}

TEST_CASE("ustar: an empty archive is just the end marker") {
  auto a = archive({});
  CHECK(libk::ustar::validate(bytes(a)).value() == 0);
}

TEST_CASE("ustar: a header cut short is Truncated") {
  auto a = archive(kSample);
  a.resize(kBlock + 100);
  CHECK(rejection(a) == Problem::Truncated);
}

TEST_CASE("ustar: data past the end of the archive is Truncated") {
  auto a = archive({{"big", std::string(2000, 'b')}}, false);
  a.resize(kBlock + 1024);  // the header promises 2000 bytes
  CHECK(rejection(a) == Problem::Truncated);
}

TEST_CASE("ustar: a size near 2^36 is Truncated, not a wrap-around") {
  auto a = archive({{"big", "b"}});
  std::memcpy(a.data() + 124, "77777777777", 11);
  seal_checksum(a, 0);
  CHECK(rejection(a) == Problem::Truncated);
}

TEST_CASE("ustar: an archive without its end marker is refused") {
  CHECK(rejection(archive(kSample, false)) == Problem::NoEndMarker);
  CHECK(rejection({}) == Problem::NoEndMarker);
}

TEST_CASE("ustar: a changed byte breaks the checksum") {
  auto a = archive(kSample);
  a[kBlock + 5] ^= 1;  // in bin/hello's name
  CHECK(rejection(a) == Problem::BadChecksum);
  auto r = libk::ustar::validate(bytes(a));
  CHECK(test::format("{}", r.error()) == "header at 0x200: checksum does not match");
}

TEST_CASE("ustar: wrong magic, non-octal numbers and base-256 sizes are refused") {
  auto a = archive({{"f", "x"}});
  std::memcpy(a.data() + 257, "tar\0\0\0", 6);
  seal_checksum(a, 0);
  CHECK(rejection(a) == Problem::BadMagic);
  a = archive({{"f", "x"}});
  a[124 + 3] = '9';
  seal_checksum(a, 0);
  CHECK(rejection(a) == Problem::BadNumber);
  a = archive({{"f", "x"}});
  a[124] = 0x80;  // GNU base-256
  seal_checksum(a, 0);
  CHECK(rejection(a) == Problem::BadNumber);
  a = archive({{"f", "x"}});
  std::memcpy(a.data() + 148, "zzzzzz", 6);
  CHECK(rejection(a) == Problem::BadNumber);
}

TEST_CASE("ustar: names with .., control characters or nothing are refused") {
  CHECK(rejection(archive({{"bin/../../etc", "x"}})) == Problem::BadName);
  CHECK(rejection(archive({{"..", "x"}})) == Problem::BadName);
  CHECK(rejection(archive({{"a\tb", "x"}})) == Problem::BadName);
  CHECK(rejection(archive({{"./", "x"}})) == Problem::BadName);
  CHECK(libk::ustar::validate(bytes(archive({{"a..b", "x"}}))).ok());
}

TEST_CASE("ustar: pax and GNU long-name headers are refused; links are Other without data") {
  CHECK(rejection(archive({{"pax", "x", 'x'}})) == Problem::UnsupportedType);
  CHECK(rejection(archive({{"long", "x", 'L'}})) == Problem::UnsupportedType);
  auto a = archive({{"link", "", '2'}, {"f", "y"}});
  auto found = libk::ustar::find(bytes(a), "link");
  REQUIRE(found.value());
  CHECK(found.value()->type == EntryType::Other);
  CHECK(found.value()->data.empty());
}

TEST_CASE("ustar: after an error the reader keeps returning it") {
  auto a = archive(kSample);
  a[kBlock + 5] ^= 1;
  libk::ustar::Reader reader(bytes(a));
  CHECK(reader.next().ok());
  CHECK(reader.next().error().problem == Problem::BadChecksum);
  CHECK(reader.next().error().problem == Problem::BadChecksum);
}

TEST_CASE("ustar: normalize strips leading slashes, ./ and trailing slashes") {
  using libk::ustar::normalize;
  CHECK(test::str(normalize("/bin/hello")) == "bin/hello");
  CHECK(test::str(normalize("./bin/")) == "bin");
  CHECK(test::str(normalize("//./x")) == "x");
  CHECK(normalize("/").empty());
  CHECK(normalize(".").empty());
}
