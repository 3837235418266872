#include "config.hpp"

namespace loader {

namespace {

constexpr u64 kMaxConfigSize = 64 * libk::KiB;

void set_defaults(Config& config) {
  config.kernel = make_path(kDefaultKernelPath).release_value();
  config.cmdline[0] = '\0';
  config.cmdline_length = 0;
  config.mode = Config::Mode::Native;
  config.resolution = {0, 0};
}

void warn(u32 line, libk::StringView problem, libk::StringView detail) {
  print("{}: {}:{}: {}{} (ignored)\n", kName, kConfigPath, line, problem, detail);
}

void apply(Config& config, const libk::ConfigLine& line) {
  if (line.key == "kernel") {
    auto path = make_path(line.value);
    if (path)
      config.kernel = path.release_value();
    else
      warn(line.number, path.error().text, "");
  } else if (line.key == "cmdline") {
    if (line.value.size() > Config::kMaxCmdline) {
      warn(line.number, "command line too long", "");
      return;
    }
    __builtin_memcpy(config.cmdline, line.value.data(), line.value.size());
    config.cmdline[line.value.size()] = '\0';
    config.cmdline_length = u32(line.value.size());
  } else if (line.key == "resolution") {
    if (line.value == "native")
      config.mode = Config::Mode::Native;
    else if (line.value == "current")
      config.mode = Config::Mode::Current;
    else if (auto r = libk::parse_resolution(line.value)) {
      config.mode = Config::Mode::Fixed;
      config.resolution = *r;
    } else {
      warn(line.number, "resolution must be WIDTHxHEIGHT, native or current: ", line.value);
    }
  } else {
    warn(line.number, "unknown setting: ", line.key);
  }
}

}  // namespace

Expected<void> load_config(EFI_FILE_PROTOCOL* root, Config& config, Verifier& verifier) {
  set_defaults(config);
  Path path = make_path(kConfigPath).release_value();
  auto file = read_file(root, path, kMaxConfigSize);
  if (!file) {
    if (file.error().status == EFI_NOT_FOUND)
      return verify_absent(verifier, boot::digests::Role::Config, path);
    print("{}: {} (using defaults)\n", kName, file.error().text);
    return {};
  }
  const FileData data = file.value();
  // Checked before it is parsed: nothing of an unverified file may be used.
  auto use = verify_file(verifier, boot::digests::Role::Config, path,
                         libk::Bytes(data.bytes(), data.size));
  if (use && use.value())
    libk::parse_config(
        data.text(), [&](const libk::ConfigLine& line) { apply(config, line); },
        [](u32 line, libk::ConfigProblem p) { warn(line, libk::config_problem_text(p), ""); });
  firmware.boot->FreePages(
      data.address,
      libk::align_up(libk::max<u64>(data.size, 1), libk::kPageSize) / libk::kPageSize);
  if (!use) return libk::unexpected(use.error());
  return {};
}

}  // namespace loader
