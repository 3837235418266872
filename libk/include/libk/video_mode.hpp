// Choosing the display mode: the configured resolution, else the display's native one
// (from EDID), else whatever the firmware set. Pure logic; the loader feeds it GOP modes.
#pragma once

#include <libk/config.hpp>
#include <libk/optional.hpp>
#include <libk/span.hpp>

namespace libk {

struct VideoMode {
  u32 number;  // the firmware's mode number
  u32 width;
  u32 height;
  bool linear;  // has a linear framebuffer (not BltOnly)
};

enum class ModeReason : u8 { Configured, Native, Current, FirstLinear };

struct ModeChoice {
  u32 number;
  ModeReason reason;
};

// Returns nullopt if no mode has a linear framebuffer.
Optional<ModeChoice> choose_video_mode(Span<const VideoMode> modes, u32 current_mode,
                                       Optional<Resolution> configured,
                                       Optional<Resolution> native);

StringView mode_reason_text(ModeReason r);

// The preferred resolution from an EDID 1.x block (VESA E-EDID: header, checksum, first
// detailed timing descriptor). Returns nullopt for anything malformed.
Optional<Resolution> edid_preferred_resolution(Bytes edid);

}  // namespace libk
