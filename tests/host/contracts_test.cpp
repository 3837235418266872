// The contracts libk checks (libk/include/libk/assert.hpp): each misuse ends the program
// with a report naming the check, instead of reading or corrupting memory.
#include <catch2/catch.hpp>

#include <libk/assert.hpp>

#include "death_test.hpp"

TEST_CASE("A VERIFY that holds does nothing; one that fails reports where and aborts") {
  int x = 2;
  VERIFY(x == 2);
  test::Death d = test::run_in_child([&] { VERIFY(x == 3); });
  CHECK(d.aborted);
  CHECK(d.stderr_text.find("VERIFY(x == 3) failed") != std::string::npos);
  CHECK(d.stderr_text.find("contracts_test.cpp:") != std::string::npos);
  CHECK(d.stderr_text.find("in operator()") != std::string::npos);
}

TEST_CASE("A child that breaks no contract is not reported as dead") {
  test::Death d = test::run_in_child([] {});
  CHECK_FALSE(d.aborted);
  CHECK(d.stderr_text.empty());
}

TEST_CASE("VERIFY_NOT_REACHED always fails") {
  CHECK_DIES_WITH(VERIFY_NOT_REACHED(), "VERIFY_NOT_REACHED() failed");
}

TEST_CASE("DEBUG_ASSERT checks in debug builds and is compiled away with NDEBUG") {
#if EMBER_DEBUG_ASSERTS
  CHECK_DIES_WITH(DEBUG_ASSERT(1 + 1 == 3), "DEBUG_ASSERT(1 + 1 == 3) failed");
#else
  DEBUG_ASSERT(1 + 1 == 3);
#endif
}
