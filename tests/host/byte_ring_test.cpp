// libk/byte_ring.hpp, the buffer of a pipe: FIFO order, partial writes into a nearly full
// ring and partial reads from a nearly empty one, wrap-around at the end of the storage, the
// two pieces a wrapped range is in, and a random mix of operations against a model.
#include <catch2/catch.hpp>
#include <deque>
#include <optional>
#include <random>
#include <vector>

#include <libk/byte_ring.hpp>

#include "death_test.hpp"

namespace {

using libk::ByteRing;

std::vector<u8> pattern(usize n, u8 start) {
  std::vector<u8> v(n);
  for (usize i = 0; i < n; ++i) v[i] = u8(start + i);
  return v;
}

// Reads up to `n` bytes and checks they are the model's first ones, which it drops.
void read_and_check(ByteRing& ring, std::deque<u8>& model, usize n) {
  std::vector<u8> out(n);
  usize got = ring.read({out.data(), n});
  REQUIRE(got == std::min(n, model.size()));
  for (usize i = 0; i < got; ++i) {
    REQUIRE(out[i] == model.front());
    model.pop_front();
  }
}

}  // namespace

TEST_CASE("byte ring: bytes come out in the order they went in") {
  u8 storage[16];
  ByteRing ring({storage, sizeof(storage)});
  auto in = pattern(10, 1);
  CHECK(ring.write({in.data(), in.size()}) == 10);
  CHECK(ring.size() == 10);
  CHECK(ring.room() == 6);
  u8 out[10] = {};
  CHECK(ring.read(out) == 10);
  CHECK(std::vector<u8>(out, out + 10) == in);
  CHECK(ring.empty());
}

TEST_CASE("byte ring: a write into a nearly full ring takes what fits") {
  u8 storage[8];
  ByteRing ring({storage, sizeof(storage)});
  auto in = pattern(5, 0);
  CHECK(ring.write({in.data(), in.size()}) == 5);
  CHECK(ring.write({in.data(), in.size()}) == 3);
  CHECK(ring.full());
  CHECK(ring.write({in.data(), 1}) == 0);
  u8 out[8];
  CHECK(ring.read(out) == 8);
  CHECK(std::vector<u8>(out, out + 8) == std::vector<u8>{0, 1, 2, 3, 4, 0, 1, 2});
}

TEST_CASE("byte ring: a read from a nearly empty ring returns what is there") {
  u8 storage[8];
  ByteRing ring({storage, sizeof(storage)});
  u8 in[3] = {7, 8, 9};
  ring.write(in);
  u8 out[8] = {};
  CHECK(ring.read(out) == 3);
  CHECK((out[0] == 7 && out[1] == 8 && out[2] == 9));
  CHECK(ring.read(out) == 0);
}

TEST_CASE("byte ring: a range that wraps around the end comes in two pieces") {
  u8 storage[8];
  ByteRing ring({storage, sizeof(storage)});
  auto in = pattern(6, 10);
  ring.write({in.data(), 6});
  u8 out[5];
  CHECK(ring.read(out) == 5);  // head at 5, one byte left
  auto more = pattern(6, 16);
  CHECK(ring.write({more.data(), 6}) == 6);  // 3 bytes at the end, 3 at the start
  auto pieces = ring.readable();
  CHECK(pieces.first.size() == 3);
  CHECK(pieces.second.size() == 4);
  CHECK(pieces.first.data() == storage + 5);
  CHECK(pieces.second.data() == storage);
  u8 all[7];
  CHECK(ring.read(all) == 7);
  CHECK(std::vector<u8>(all, all + 7) == std::vector<u8>{15, 16, 17, 18, 19, 20, 21});
}

TEST_CASE("byte ring: the free room is offered in two pieces and only committed bytes count") {
  u8 storage[8];
  ByteRing ring({storage, sizeof(storage)});
  u8 in[6] = {};
  ring.write(in);
  u8 out[4];
  ring.read(out);  // head 4, used 2: room is [6, 8) and [0, 4)
  auto room = ring.writable();
  CHECK(room.first.data() == storage + 6);
  CHECK(room.first.size() == 2);
  CHECK(room.second.data() == storage);
  CHECK(room.second.size() == 4);
  CHECK(ring.writable(3).size() == 3);
  CHECK(ring.writable(3).second.size() == 1);
  CHECK(ring.size() == 2);  // nothing committed yet: a faulting copy leaves the ring as it was
  ring.commit(3);
  CHECK(ring.size() == 5);
}

TEST_CASE("byte ring: an emptied ring starts over at the beginning of its storage") {
  u8 storage[8];
  ByteRing ring({storage, sizeof(storage)});
  u8 in[5] = {}, out[5];
  ring.write(in);
  ring.read(out);
  CHECK(ring.writable().first.data() == storage + 5);  // consume alone moves nothing
  ring.rewind_if_empty();
  auto room = ring.writable();
  CHECK(room.first.data() == storage);
  CHECK(room.first.size() == 8);
  CHECK(room.second.empty());
  ring.write(in);  // write() rewinds by itself
  ring.read(out);
  ring.write(in);
  CHECK(ring.readable().first.data() == storage);
}

TEST_CASE("byte ring: rewind keeps the bytes of a ring that is not empty where they are") {
  u8 storage[8];
  ByteRing ring({storage, sizeof(storage)});
  u8 in[5] = {1, 2, 3, 4, 5}, out[5];
  ring.write(in);
  ring.read({out, 3});
  ring.rewind_if_empty();
  CHECK(ring.readable().first.data() == storage + 3);
  CHECK(ring.read(out) == 2);
  CHECK((out[0] == 4 && out[1] == 5));
}

// A pipe's writer copies into the room while its reader copies out of the bytes and
// consumes them (kernel/fs/pipe.cpp): the room handed out before the reader emptied the ring
// is still where the next bytes go.
TEST_CASE("byte ring: room handed out stays valid while the reader empties the ring") {
  u8 storage[8];
  ByteRing ring({storage, sizeof(storage)});
  u8 in[6] = {1, 2, 3, 4, 5, 6}, out[8];
  ring.write({in, 6});
  CHECK(ring.read({out, 4}) == 4);
  auto room = ring.writable(4);  // the writer's pieces: 2 at the end, 2 at the start
  REQUIRE(room.first.size() == 2);
  REQUIRE(room.second.size() == 2);
  CHECK(ring.read(out) == 2);  // the reader takes the rest meanwhile: the ring is empty
  u8 next[4] = {7, 8, 9, 10};
  __builtin_memcpy(room.first.data(), next, 2);
  __builtin_memcpy(room.second.data(), next + 2, 2);
  ring.commit(4);
  CHECK(ring.read(out) == 4);
  CHECK((out[0] == 7 && out[1] == 8 && out[2] == 9 && out[3] == 10));
}

TEST_CASE("byte ring: commit and consume beyond what there is are refused") {
  u8 storage[4];
  ByteRing ring({storage, sizeof(storage)});
  CHECK_DIES_WITH(ring.consume(1), "VERIFY(n <= used_)");
  CHECK_DIES_WITH(ring.commit(5), "VERIFY(n <= room())");
}

TEST_CASE("byte ring: random writes and reads keep FIFO order against a model") {
  std::mt19937 random(1234);
  for (usize capacity : {1u, 2u, 7u, 64u, 4096u}) {
    std::vector<u8> storage(capacity);
    ByteRing ring({storage.data(), capacity});
    std::deque<u8> model;
    u8 next = 0;
    for (int step = 0; step < 20000; ++step) {
      usize n = random() % (2 * capacity + 2);
      if (random() % 2) {
        std::vector<u8> in(n);
        for (u8& b : in) b = next++;
        usize wrote = ring.write({in.data(), n});
        REQUIRE(wrote == std::min(n, capacity - model.size()));
        model.insert(model.end(), in.begin(), in.begin() + long(wrote));
        next = u8(next - (n - wrote));
      } else {
        read_and_check(ring, model, n);
      }
      REQUIRE(ring.size() == model.size());
      REQUIRE(ring.readable().size() == model.size());
      REQUIRE(ring.writable().size() == capacity - model.size());
    }
  }
}

// The pipe's way of using the ring, at random: a writer takes room (rewinding an empty ring
// only when it holds no room), fills a prefix of it and commits that later, while reads
// happen in between. Everything read comes out in the order it was committed.
TEST_CASE("byte ring: reads between a writer's room and its commit keep FIFO order") {
  std::mt19937 random(4321);
  for (usize capacity : {1u, 3u, 64u, 4096u}) {
    std::vector<u8> storage(capacity);
    ByteRing ring({storage.data(), capacity});
    std::deque<u8> model;
    u8 next = 0;
    std::optional<ByteRing::Pieces> room;
    for (int step = 0; step < 20000; ++step) {
      usize n = random() % (capacity + 2);
      switch (random() % 3) {
        case 0:  // the writer takes room
          if (room) break;
          ring.rewind_if_empty();
          room = ring.writable(n);
          break;
        case 1: {  // the writer fills a prefix of its room and commits it
          if (!room) break;
          usize fill = std::min(n, room->size());
          for (usize i = 0; i < fill; ++i) {
            u8& slot =
                i < room->first.size() ? room->first[i] : room->second[i - room->first.size()];
            slot = next;
            model.push_back(next++);
          }
          ring.commit(fill);
          room.reset();
          break;
        }
        default:  // the reader
          read_and_check(ring, model, n);
      }
      REQUIRE(ring.size() == model.size());
    }
  }
}
