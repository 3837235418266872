// libk/video_mode.hpp: choosing the GOP mode, and the preferred resolution from EDID.
#include <array>
#include <catch2/catch.hpp>
#include <set>
#include <string>

#include <libk/video_mode.hpp>

#include "string_sink.hpp"

using libk::ModeReason;
using libk::Resolution;
using libk::VideoMode;

namespace Catch {
template <>
struct StringMaker<ModeReason> {
  static std::string convert(ModeReason r) { return test::str(libk::mode_reason_text(r)); }
};
}  // namespace Catch

namespace {

// Mode numbers deliberately differ from indices.
const VideoMode kModes[] = {
    {10, 640, 480, false},                                                   // BltOnly
    {11, 800, 600, true},  {12, 1024, 768, true},  {13, 1920, 1080, false},  // BltOnly
    {14, 1280, 800, true}, {15, 1920, 1080, true},
};

struct Choice {
  u32 number;
  ModeReason reason;
};

Choice choose(u32 current, libk::Optional<Resolution> configured,
              libk::Optional<Resolution> native) {
  auto c = libk::choose_video_mode(kModes, current, configured, native);
  REQUIRE(c.has_value());
  return {c->number, c->reason};
}

}  // namespace

// --- choose_video_mode ------------------------------------------------------------------------

TEST_CASE("Configured resolution wins over native and current") {
  Choice c = choose(12, Resolution{1280, 800}, Resolution{1920, 1080});
  CHECK(c.number == 14);
  CHECK(c.reason == ModeReason::Configured);
}

TEST_CASE("Native resolution is used when nothing is configured") {
  Choice c = choose(12, libk::nullopt, Resolution{1280, 800});
  CHECK(c.number == 14);
  CHECK(c.reason == ModeReason::Native);
}

TEST_CASE("Native resolution is used when the configured one is not offered") {
  Choice c = choose(12, Resolution{1366, 768}, Resolution{1280, 800});
  CHECK(c.number == 14);
  CHECK(c.reason == ModeReason::Native);
}

TEST_CASE("Current mode is kept when neither configured nor native is offered") {
  Choice c = choose(12, Resolution{1366, 768}, Resolution{2560, 1440});
  CHECK(c.number == 12);
  CHECK(c.reason == ModeReason::Current);
}

TEST_CASE("First linear mode is the last resort") {
  Choice c = choose(99, libk::nullopt, libk::nullopt);
  CHECK(c.number == 11);
  CHECK(c.reason == ModeReason::FirstLinear);
}

TEST_CASE("BltOnly modes are skipped when matching a resolution") {
  // 1920x1080 exists twice: mode 13 is BltOnly, mode 15 linear.
  CHECK(choose(12, Resolution{1920, 1080}, libk::nullopt).number == 15);
  CHECK(choose(12, libk::nullopt, Resolution{1920, 1080}).number == 15);
}

TEST_CASE("BltOnly current mode is not kept") {
  Choice c = choose(10, libk::nullopt, libk::nullopt);
  CHECK(c.number == 11);
  CHECK(c.reason == ModeReason::FirstLinear);
}

TEST_CASE("BltOnly configured resolution falls through to the next rule") {
  Choice c = choose(12, Resolution{640, 480}, libk::nullopt);
  CHECK(c.number == 12);
  CHECK(c.reason == ModeReason::Current);
}

TEST_CASE("No linear mode means no choice") {
  const VideoMode blt_only[] = {{0, 800, 600, false}, {1, 1024, 768, false}};
  CHECK_FALSE(libk::choose_video_mode(blt_only, 0, Resolution{800, 600}, Resolution{1024, 768})
                  .has_value());
  CHECK_FALSE(libk::choose_video_mode({}, 0, libk::nullopt, libk::nullopt).has_value());
}

TEST_CASE("Every mode reason has its own text") {
  std::set<std::string> texts;
  for (ModeReason r :
       {ModeReason::Configured, ModeReason::Native, ModeReason::Current, ModeReason::FirstLinear})
    texts.insert(test::str(libk::mode_reason_text(r)));
  CHECK(texts.size() == 4);
}

// --- edid_preferred_resolution ----------------------------------------------------------------

namespace {

// A 128-byte EDID 1.4 base block whose first detailed timing descriptor (offset 54) gives
// `width` x `height` active pixels, with a correct checksum.
std::array<u8, 128> edid(u32 width, u32 height) {
  std::array<u8, 128> e{};
  const u8 header[8] = {0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00};
  for (int i = 0; i < 8; ++i) e[i] = header[i];
  e[18] = 1, e[19] = 4;  // EDID 1.4
  u8* dtd = e.data() + 54;
  dtd[0] = 0x02, dtd[1] = 0x3a;  // pixel clock 148.50 MHz, in 10 kHz units
  dtd[2] = u8(width);
  dtd[3] = 0x18;                                 // horizontal blanking, low 8 bits
  dtd[4] = u8(((width >> 8) & 0xF) << 4 | 0x1);  // active high | blanking high
  dtd[5] = u8(height);
  dtd[6] = 0x2d;
  dtd[7] = u8(((height >> 8) & 0xF) << 4 | 0x0);
  u8 sum = 0;
  for (int i = 0; i < 127; ++i) sum = u8(sum + e[i]);
  e[127] = u8(0x100 - sum);
  return e;
}

void fix_checksum(std::array<u8, 128>& e) {
  u8 sum = 0;
  for (int i = 0; i < 127; ++i) sum = u8(sum + e[i]);
  e[127] = u8(0x100 - sum);
}

libk::Optional<Resolution> preferred(const std::array<u8, 128>& e, usize size = 128) {
  return libk::edid_preferred_resolution({e.data(), size});
}

}  // namespace

TEST_CASE("Valid EDID gives the first detailed timing's resolution") {
  auto r = preferred(edid(1920, 1080));
  REQUIRE(r.has_value());
  CHECK(r->width == 1920);
  CHECK(r->height == 1080);
}

TEST_CASE("EDID resolutions use the high nibbles of the size bytes") {
  auto r = preferred(edid(3840, 2160));
  REQUIRE(r.has_value());
  CHECK(r->width == 3840);
  CHECK(r->height == 2160);
  auto small = preferred(edid(200, 100));
  REQUIRE(small.has_value());
  CHECK(small->width == 200);
  CHECK(small->height == 100);
}

TEST_CASE("EDID followed by extension blocks is accepted") {
  auto base = edid(1280, 800);
  std::array<u8, 256> with_extension{};
  for (usize i = 0; i < 128; ++i) with_extension[i] = base[i];
  with_extension[128] = 0x02;  // a CTA extension; its checksum is not the base block's concern
  auto r = libk::edid_preferred_resolution({with_extension.data(), with_extension.size()});
  REQUIRE(r.has_value());
  CHECK(r->width == 1280);
}

TEST_CASE("EDID with a bad header is rejected") {
  auto e = edid(1920, 1080);
  e[0] = 0xFF;
  e[1] = 0x00;  // keeps the checksum right
  CHECK_FALSE(preferred(e).has_value());
}

TEST_CASE("EDID with a bad checksum is rejected") {
  auto e = edid(1920, 1080);
  e[127] ^= 1;
  CHECK_FALSE(preferred(e).has_value());
}

TEST_CASE("EDID shorter than one block is rejected") {
  auto e = edid(1920, 1080);
  CHECK_FALSE(preferred(e, 127).has_value());
  CHECK_FALSE(preferred(e, 0).has_value());
}

TEST_CASE("EDID whose first descriptor is a display descriptor is rejected") {
  auto e = edid(1920, 1080);
  e[54] = 0, e[55] = 0;  // pixel clock 0: a monitor name or range descriptor
  e[57] = 0xFC;
  fix_checksum(e);
  CHECK_FALSE(preferred(e).has_value());
}

TEST_CASE("EDID timing with a zero side is rejected") {
  CHECK_FALSE(preferred(edid(0, 1080)).has_value());
  CHECK_FALSE(preferred(edid(1920, 0)).has_value());
}
