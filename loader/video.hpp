// Picking and setting a GOP mode; describing the framebuffer for the kernel.
#pragma once

#include <boot/boot_info.hpp>

#include "config.hpp"

namespace loader {

// Never fails: with no GOP, or only BltOnly modes, the kernel gets PixelFormat::None and
// boots on the serial console.
boot::Framebuffer setup_video(const Config& config);

}  // namespace loader
