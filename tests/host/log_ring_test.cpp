// The log ring buffer (libk/log_ring.hpp) behind the kernel log and a later dmesg.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include <libk/log_ring.hpp>

namespace {

struct Ring {
  explicit Ring(size_t bytes) : storage(bytes / 8) {
    ok = ring.init({reinterpret_cast<uint8_t*>(storage.data()), bytes});
  }
  std::string text(uint64_t seq) {
    libk::LogRecord r;
    char buf[2048];
    if (!ring.read(seq, r, buf, sizeof(buf))) return "<gone>";
    return std::string(r.text.data(), r.text.size());
  }
  std::vector<uint64_t> storage;
  libk::LogRing ring;
  bool ok;
};

}  // namespace

TEST_CASE("Records are read back with their level, flags, timestamp and text", "[log_ring]") {
  Ring r(4096);
  REQUIRE(r.ok);
  CHECK(r.ring.append(2, 1, 12345, "hello") == 0);
  CHECK(r.ring.append(3, 0, 99, "") == 1);
  libk::LogRecord rec;
  char buf[64];
  REQUIRE(r.ring.read(0, rec, buf, sizeof(buf)));
  CHECK(rec.sequence == 0);
  CHECK(rec.level == 2);
  CHECK(rec.flags == 1);
  CHECK(rec.timestamp_ns == 12345);
  CHECK(std::string(rec.text.data(), rec.text.size()) == "hello");
  REQUIRE(r.ring.read(1, rec, buf, sizeof(buf)));
  CHECK(rec.text.empty());
  CHECK_FALSE(r.ring.read(2, rec, buf, sizeof(buf)));
}

TEST_CASE("When full, the oldest records are dropped and counted", "[log_ring]") {
  Ring r(1024);
  for (int i = 0; i < 200; ++i) {
    std::string m = "message number " + std::to_string(i);
    r.ring.append(1, 0, uint64_t(i), m.c_str());
  }
  CHECK(r.ring.next_sequence() == 200);
  CHECK(r.ring.first_sequence() > 150);
  CHECK(r.ring.dropped() == r.ring.first_sequence());
  CHECK(r.ring.count() == 200 - r.ring.first_sequence());
  CHECK(r.text(r.ring.first_sequence() - 1) == "<gone>");
  for (uint64_t s = r.ring.first_sequence(); s < 200; ++s)
    CHECK(r.text(s) == "message number " + std::to_string(s));
}

TEST_CASE("Records of every size survive wrapping around the end", "[log_ring]") {
  Ring r(512);
  std::vector<std::string> written;
  for (int i = 0; i < 400; ++i) {
    std::string text(size_t(i * 7 % 97), char('a' + i % 26));
    r.ring.append(0, 0, 0, libk::StringView(text.data(), text.size()));
    written.push_back(text);
    for (uint64_t s = r.ring.first_sequence(); s < r.ring.next_sequence(); ++s)
      REQUIRE(r.text(s) == written[s]);
  }
}

TEST_CASE("Over-long texts are truncated, not dropped", "[log_ring]") {
  Ring r(8192);
  std::string big(5000, 'x');
  r.ring.append(0, 0, 0, libk::StringView(big.data(), big.size()));
  CHECK(r.text(0) == std::string(libk::LogRing::kMaxText, 'x'));
  Ring tiny(64);
  tiny.ring.append(0, 0, 0, libk::StringView(big.data(), big.size()));
  CHECK(tiny.text(0) == std::string(64 - libk::LogRing::kHeaderSize, 'x'));
}

TEST_CASE("A reader's buffer bounds what is copied", "[log_ring]") {
  Ring r(4096);
  r.ring.append(0, 0, 0, "0123456789");
  libk::LogRecord rec;
  char buf[4];
  REQUIRE(r.ring.read(0, rec, buf, sizeof(buf)));
  CHECK(std::string(rec.text.data(), rec.text.size()) == "0123");
}

TEST_CASE("Unusable storage is refused and appends still count", "[log_ring]") {
  libk::LogRing ring;
  uint8_t small[32];
  CHECK_FALSE(ring.init({small, sizeof(small)}));
  CHECK(ring.append(0, 0, 0, "x") == 0);
  CHECK(ring.append(0, 0, 0, "y") == 1);
  libk::LogRecord rec;
  char buf[8];
  CHECK_FALSE(ring.read(0, rec, buf, sizeof(buf)));
}
