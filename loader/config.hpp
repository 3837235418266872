// The loader's settings: defaults, overridden by \boot\ember.conf when it exists.
#pragma once

#include <libk/config.hpp>

#include "files.hpp"
#include "verify.hpp"

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

// A missing file means defaults, and so does one the verifier says to ignore; a malformed
// line or value is reported on the console (with its line number) and ignored. Fails only
// when the verifier refuses the file (or its absence).
Expected<void> load_config(EFI_FILE_PROTOCOL* root, Config& config, Verifier& verifier);

}  // namespace loader
