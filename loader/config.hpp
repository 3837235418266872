// The loader's settings: defaults, overridden by \boot\ember.conf when it exists.
#pragma once

#include <libk/config.hpp>

#include "files.hpp"

namespace loader {

inline constexpr const char* kConfigPath = "\\boot\\ember.conf";
inline constexpr const char* kDefaultKernelPath = "\\boot\\ember.elf";

struct Config {
  static constexpr usize kMaxCmdline = 4095;

  Path kernel;
  char cmdline[kMaxCmdline + 1];
  u32 cmdline_length;
  enum class Mode : u8 { Native, Current, Fixed } mode;  // how to pick the display mode
  libk::Resolution resolution;                           // for Mode::Fixed
};

// Never fails: a missing file means defaults; a malformed line or value is reported on the
// console (with its line number) and ignored.
void load_config(EFI_FILE_PROTOCOL* root, Config& config);

}  // namespace loader
