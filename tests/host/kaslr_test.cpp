// boot/kaslr.hpp: where the loader places the kernel in the kernel image window.
#include <catch2/catch.hpp>
#include <set>

#include <boot/kaslr.hpp>

using boot::kaslr::kAlign;
using boot::kaslr::place_count;
using boot::kaslr::slide_for;
using boot::layout::kKernelImage;

namespace {

constexpr u64 kLink = 0xffff'ffff'8000'0000;  // kernel/linker.ld
constexpr u64 kSpan = 0xaa000;                // about the size of today's kernel

}  // namespace

TEST_CASE("KASLR has one place per 2 MiB of the window the image fits in") {
  // 2 GiB - 2 MiB of window: 1023 places for an image of up to 2 MiB, one fewer per 2 MiB more.
  CHECK(place_count(kLink, kSpan) == 1023);
  CHECK(place_count(kLink, kAlign) == 1023);
  CHECK(place_count(kLink, kAlign + 1) == 1022);
  CHECK(place_count(kLink, 256 * libk::MiB) == 1023 - 127);
  CHECK(place_count(kLink, kKernelImage.size) == 1);
  CHECK(place_count(kLink, kKernelImage.size + 1) == 0);
}

TEST_CASE("KASLR keeps the image's offset within 2 MiB") {
  const u64 link = kLink + 0x1000;  // linked 4 KiB into a 2 MiB page
  CHECK(place_count(link, kAlign - 0x1000) == 1023);
  CHECK(place_count(link, kAlign) == 1022);  // with the offset it spills into another 2 MiB
  for (u64 random : {u64(0), u64(1), u64(777), ~u64{0}}) {
    u64 run = link + slide_for(random, link, kSpan);
    CHECK(run % kAlign == 0x1000);
  }
}

TEST_CASE("KASLR's first and last places are the window's ends") {
  CHECK(slide_for(0, kLink, kSpan) == 0);  // place 0 is the link address
  u64 last = kLink + slide_for(1022, kLink, kSpan);
  CHECK(last == kKernelImage.base + 1022 * kAlign);
  CHECK(last + kSpan <= kKernelImage.base + kKernelImage.size);
  CHECK(slide_for(1023, kLink, kSpan) == 0);  // wraps around
}

TEST_CASE("KASLR places every image wholly inside the window, 2 MiB apart") {
  for (u64 span : {u64(0x1000), kSpan, 37 * libk::MiB + 0x3000, kKernelImage.size}) {
    u64 places = place_count(kLink, span);
    std::set<u64> seen;
    for (u64 i = 0; i < places; ++i) {
      u64 slide = slide_for(i, kLink, span);
      INFO("span " << span << " place " << i);
      REQUIRE(slide % kAlign == 0);
      REQUIRE(kKernelImage.contains_range(kLink + slide, span));
      seen.insert(slide);
    }
    CHECK(seen.size() == places);
  }
}

TEST_CASE("KASLR handles images linked elsewhere in the window (negative slides)") {
  const u64 link = kKernelImage.base + 600 * libk::MiB;
  u64 slide = slide_for(0, link, kSpan);
  CHECK(link + slide == kKernelImage.base);
  CHECK(i64(slide) == -i64(600 * libk::MiB));
}
