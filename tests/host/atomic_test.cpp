#include <catch2/catch.hpp>

#include <libk/atomic.hpp>

using libk::MemoryOrder;

TEST_CASE("Atomic exchange returns the previous value: a claim succeeds once") {
  libk::Atomic<bool> busy{false};
  CHECK_FALSE(busy.exchange(true, MemoryOrder::Acquire));  // claimed
  CHECK(busy.exchange(true, MemoryOrder::Acquire));        // already taken
  busy.store(false, MemoryOrder::Release);
  CHECK_FALSE(busy.load(MemoryOrder::Relaxed));
}

TEST_CASE("Atomic compare_exchange stores only on a match, else reports the value") {
  libk::Atomic<u32> owner{7};
  u32 expected = 3;
  CHECK_FALSE(owner.compare_exchange(expected, 9, MemoryOrder::AcqRel));
  CHECK(expected == 7);
  CHECK(owner.compare_exchange(expected, 9, MemoryOrder::Release));
  CHECK(owner.load() == 9);
}

TEST_CASE("Atomic fetch_add and fetch_sub return the value before the change") {
  libk::Atomic<u64> count{10};
  CHECK(count.fetch_add(5) == 10);
  CHECK(count.fetch_sub(3) == 15);
  CHECK(count.load() == 12);
}

TEST_CASE("An atomic enum stores and compares its values") {
  enum class State : u8 { Off, Starting, On };
  libk::Atomic<State> state{State::Off};
  State expected = State::Starting;
  CHECK_FALSE(state.compare_exchange(expected, State::On));
  CHECK(expected == State::Off);
  CHECK(state.exchange(State::Starting) == State::Off);
  CHECK(state.load() == State::Starting);
}
