// Frame-pointer stack walking (hal/stack_walk.hpp) on fake stacks, including corrupt ones.
#include <catch2/catch.hpp>
#include <map>

#include <hal/stack_walk.hpp>

namespace {

// A sparse fake memory: only the words written are readable.
class FakeStack final : public hal::StackReader {
 public:
  bool read_u64(u64 address, u64& value) override {
    auto it = words.find(address);
    if (it == words.end()) return false;
    value = it->second;
    return true;
  }
  void frame(u64 rbp, u64 caller_rbp, u64 return_address) {
    words[rbp] = caller_rbp;
    words[rbp + 8] = return_address;
  }
  std::map<u64, u64> words;
};

}  // namespace

TEST_CASE("the chain is followed to the terminating zero frame", "[stackwalk]") {
  FakeStack s;
  s.frame(0x1000, 0x1100, 0xA1);
  s.frame(0x1100, 0x1200, 0xA2);
  s.frame(0x1200, 0, 0xA3);  // the entry stub's frame: rbp 0 ends the walk
  u64 out[8];
  auto walk = hal::walk_frame_pointers(0x1000, s, out);
  REQUIRE(walk.count == 3);
  CHECK_FALSE(walk.truncated);
  CHECK(out[0] == 0xA1);
  CHECK(out[1] == 0xA2);
  CHECK(out[2] == 0xA3);
}

TEST_CASE("a zero return address ends the walk", "[stackwalk]") {
  FakeStack s;
  s.frame(0x1000, 0x1100, 0xA1);
  s.frame(0x1100, 0x1200, 0);
  u64 out[8];
  CHECK(hal::walk_frame_pointers(0x1000, s, out).count == 1);
}

TEST_CASE("unreadable, misaligned or looping frames end the walk safely", "[stackwalk]") {
  FakeStack s;
  u64 out[8];
  SECTION("unreadable") {
    s.frame(0x1000, 0x5000, 0xA1);  // 0x5000 is not in the fake memory
    CHECK(hal::walk_frame_pointers(0x1000, s, out).count == 1);
  }
  SECTION("misaligned") {
    s.frame(0x1000, 0x1103, 0xA1);
    CHECK(hal::walk_frame_pointers(0x1000, s, out).count == 1);
  }
  SECTION("a loop back down the stack") {
    s.frame(0x1000, 0x1100, 0xA1);
    s.frame(0x1100, 0x1000, 0xA2);
    CHECK(hal::walk_frame_pointers(0x1000, s, out).count == 2);
  }
  SECTION("a frame pointing at itself") {
    s.frame(0x1000, 0x1000, 0xA1);
    CHECK(hal::walk_frame_pointers(0x1000, s, out).count == 1);
  }
  SECTION("rbp at the very top of the address space") {
    CHECK(hal::walk_frame_pointers(~u64{0} - 7, s, out).count == 0);
  }
  SECTION("rbp zero") { CHECK(hal::walk_frame_pointers(0, s, out).count == 0); }
}

TEST_CASE("a chain longer than the output is truncated and says so", "[stackwalk]") {
  FakeStack s;
  for (u64 i = 0; i < 10; ++i) s.frame(0x1000 + 0x100 * i, 0x1000 + 0x100 * (i + 1), 0xA0 + i);
  u64 out[4];
  auto walk = hal::walk_frame_pointers(0x1000, s, out);
  CHECK(walk.count == 4);
  CHECK(walk.truncated);
  CHECK(out[3] == 0xA3);
}
