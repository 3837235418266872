// The local APIC timer's programming for a deadline (libk/include/libk/timer_deadline.hpp):
// exact properties over many frequencies and distances, with 128-bit arithmetic as the
// reference, instead of measuring sleeps under emulation.
#include <catch2/catch.hpp>
#include <random>

#include <libk/tick_converter.hpp>
#include <libk/timer_deadline.hpp>

namespace {

using u128 = unsigned __int128;

// The kernel passes its clock's functions; the tests, converters like the ones it uses.
auto by(const libk::TickConverter& c) {
  return [c](u64 v) { return c.convert(v); };
}
constexpr u64 kNsPerSecond = 1'000'000'000;

// The fewest ticks of a clock at `hz` that last at least `ns` nanoseconds.
u128 ticks_needed(u64 hz, u64 ns) { return (u128(ns) * hz + kNsPerSecond - 1) / kNsPerSecond; }

}  // namespace

TEST_CASE("A one-shot count never fires before the deadline and at most two ticks after",
          "[time][timers]") {
  std::mt19937_64 rng(20261204);
  const u64 frequencies[] = {1'000'000,   3'579'545,   24'000'000,   62'500'000,
                             100'000'000, 133'333'333, 1'000'000'000};
  for (u64 hz : frequencies) {
    auto conv = libk::TickConverter::between(kNsPerSecond, hz);
    // Distances whose tick count fits the 32-bit counter.
    u64 max_ns = u64(u128(libk::kMaxOneShotCount - 4) * kNsPerSecond / hz);
    std::uniform_int_distribution<u64> distance(1, max_ns);
    for (int i = 0; i < 20000; ++i) {
      u64 now = rng() >> 2, ns = i < 1000 ? u64(i + 1) : distance(rng);
      u32 count = libk::one_shot_count(by(conv), now, now + ns);
      u128 needed = ticks_needed(hz, ns);
      INFO("hz " << hz << ", ns " << ns << ", count " << count << ", needed " << u64(needed));
      REQUIRE(u128(count) >= needed);
      REQUIRE(u128(count) <= needed + libk::kDeadlineRoundUpTicks);
    }
  }
}

TEST_CASE("A deadline already passed fires at once; one out of range fires early, clamped",
          "[time][timers]") {
  auto conv = libk::TickConverter::between(kNsPerSecond, 62'500'000);
  CHECK(libk::one_shot_count(by(conv), 5'000, 5'000) == 1);
  CHECK(libk::one_shot_count(by(conv), 5'000, 4'000) == 1);
  CHECK(libk::one_shot_count(by(conv), 0, ~u64{0}) == libk::kMaxOneShotCount);
  u64 range_ns = u64(u128(libk::kMaxOneShotCount) * kNsPerSecond / 62'500'000);
  CHECK(libk::one_shot_count(by(conv), 0, range_ns + 1'000'000) == libk::kMaxOneShotCount);
}

TEST_CASE("A TSC deadline is the first TSC value at which the kernel's clock reads it",
          "[time][timers]") {
  std::mt19937_64 rng(7);
  const u64 frequencies[] = {1'000'000'000, 2'599'999'933, 3'400'000'000, 4'999'999'999};
  for (u64 hz : frequencies) {
    auto ns_to_tsc = libk::TickConverter::between(kNsPerSecond, hz);
    auto tsc_to_ns = libk::TickConverter::between(hz, kNsPerSecond);
    for (int i = 0; i < 20000; ++i) {
      // Up to ~2 years of uptime, where the converters' rounding alone is milliseconds.
      u64 deadline = i < 100 ? u64(i) : rng() >> 8;
      u64 tsc = libk::tsc_deadline(by(ns_to_tsc), by(tsc_to_ns), deadline);
      INFO("hz " << hz << ", deadline " << deadline << ", tsc " << tsc);
      REQUIRE(tsc != 0);
      REQUIRE(tsc_to_ns.convert(tsc) >= deadline);                   // never early
      REQUIRE((tsc == 1 || tsc_to_ns.convert(tsc - 1) < deadline));  // and not a tick late
    }
  }
}

TEST_CASE("A TSC deadline beyond the counter's range saturates", "[time][timers]") {
  auto ns_to_tsc = libk::TickConverter::between(kNsPerSecond, 3'000'000'000);
  auto tsc_to_ns = libk::TickConverter::between(3'000'000'000, kNsPerSecond);
  CHECK(libk::tsc_deadline(by(ns_to_tsc), by(tsc_to_ns), ~u64{0}) == ~u64{0});
}
