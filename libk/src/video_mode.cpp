#include <libk/video_mode.hpp>

namespace libk {

namespace {

Optional<u32> find_mode(Span<const VideoMode> modes, Resolution want) {
  for (const VideoMode& m : modes)
    if (m.linear && m.width == want.width && m.height == want.height) return m.number;
  return nullopt;
}

}  // namespace

Optional<ModeChoice> choose_video_mode(Span<const VideoMode> modes, u32 current_mode,
                                       Optional<Resolution> configured,
                                       Optional<Resolution> native) {
  if (configured)
    if (auto n = find_mode(modes, *configured)) return ModeChoice{*n, ModeReason::Configured};
  if (native)
    if (auto n = find_mode(modes, *native)) return ModeChoice{*n, ModeReason::Native};
  for (const VideoMode& m : modes)
    if (m.number == current_mode && m.linear) return ModeChoice{m.number, ModeReason::Current};
  for (const VideoMode& m : modes)
    if (m.linear) return ModeChoice{m.number, ModeReason::FirstLinear};
  return nullopt;
}

StringView mode_reason_text(ModeReason r) {
  switch (r) {
    case ModeReason::Configured: return "configured";
    case ModeReason::Native: return "native (EDID)";
    case ModeReason::Current: return "current";
    case ModeReason::FirstLinear: return "first usable";
  }
  return "?";
}

Optional<Resolution> edid_preferred_resolution(Bytes edid) {
  static constexpr u8 kHeader[8] = {0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00};
  if (edid.size() < 128) return nullopt;
  for (usize i = 0; i < 8; ++i)
    if (edid[i] != kHeader[i]) return nullopt;
  u8 sum = 0;
  for (usize i = 0; i < 128; ++i) sum = u8(sum + edid[i]);
  if (sum != 0) return nullopt;
  const u8* dtd = edid.data() + 54;                // first detailed timing descriptor
  if (dtd[0] == 0 && dtd[1] == 0) return nullopt;  // a display descriptor, not a timing
  u32 width = dtd[2] | u32(dtd[4] >> 4) << 8;
  u32 height = dtd[5] | u32(dtd[7] >> 4) << 8;
  if (width == 0 || height == 0) return nullopt;
  return Resolution{width, height};
}

}  // namespace libk
