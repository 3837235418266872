// The device-interrupt vector allocator (libk/vector_allocator.hpp).
#include <catch2/catch.hpp>

#include <libk/vector_allocator.hpp>

using libk::irq::VectorAllocator;

TEST_CASE("single vectors come from the range in order and are never handed out twice",
          "[irq][vectors]") {
  VectorAllocator a(0x40, 0xF0);
  CHECK(a.free_count() == 0xB0);
  CHECK(*a.allocate(1) == 0x40);
  CHECK(*a.allocate(1) == 0x41);
  CHECK(a.is_allocated(0x41));
  CHECK(a.free_count() == 0xAE);
}

TEST_CASE("a block of 2^n vectors is aligned to its size", "[irq][vectors]") {
  VectorAllocator a(0x40, 0xF0);
  REQUIRE(a.allocate(1));
  auto block = a.allocate(8);
  REQUIRE(block);
  CHECK(*block == 0x48);
  CHECK(*a.allocate(1) == 0x41);  // the hole before the block is still used
}

TEST_CASE("counts that are not powers of two, zero or above 32 are refused", "[irq][vectors]") {
  VectorAllocator a(0x40, 0xF0);
  CHECK_FALSE(a.allocate(0));
  CHECK_FALSE(a.allocate(3));
  CHECK_FALSE(a.allocate(64));
  CHECK(a.free_count() == 0xB0);
}

TEST_CASE("the range runs out, and a freed vector is handed out again", "[irq][vectors]") {
  VectorAllocator a(0x40, 0x44);
  for (u8 v = 0x40; v < 0x44; ++v) CHECK(*a.allocate(1) == v);
  CHECK_FALSE(a.allocate(1));
  CHECK(a.free(0x42, 1));
  CHECK(*a.allocate(1) == 0x42);
}

TEST_CASE("a double free or a free outside the range changes nothing", "[irq][vectors]") {
  VectorAllocator a(0x40, 0xF0);
  u8 v = *a.allocate(2);
  CHECK(a.free(v, 2));
  CHECK_FALSE(a.free(v, 2));
  CHECK_FALSE(a.free(0x30, 1));
  CHECK_FALSE(a.free(0xEF, 2));
  CHECK(a.free_count() == 0xB0);
}
