#include "proc/initrd.hpp"

#include "boot.hpp"
#include "log.hpp"

namespace kernel::initrd {

namespace {

// Set once by init() at boot, read-only afterwards.
constinit libk::Bytes image;

}  // namespace

void init() {
  const boot::BootInfo& info = boot_info::get();
  const auto* modules = boot_info::physical_to_virtual<const boot::Module>(info.modules);
  for (u32 i = 0; i < info.module_count; ++i) {
    const boot::Module& m = modules[i];
    if (libk::StringView(m.name) != "initrd") continue;
    libk::Bytes bytes(boot_info::physical_to_virtual<const u8>(m.base), m.size);
    auto entries = libk::ustar::validate(bytes);
    if (!entries) {
      log::error("initrd: {} bytes at {:#x}, unusable: {}", m.size, m.base, entries.error());
      return;
    }
    image = bytes;
    log::info(
        "initrd: {} bytes, {} entries{}", m.size, entries.value(),
        info.verified_files & boot::kVerifiedModules ? ", SHA-256 verified by the loader" : "");
    return;
  }
  log::info("initrd: none (no boot module \"initrd\"): no user programs");
}

bool present() { return image.size() != 0; }
libk::Bytes archive() { return image; }

libk::Optional<libk::ustar::Entry> find(libk::StringView path) {
  if (!present()) return libk::nullopt;
  auto found = libk::ustar::find(image, path);
  // init() validated the whole archive: a walk cannot fail.
  if (!found || !found.value() || found.value()->type != libk::ustar::EntryType::File)
    return libk::nullopt;
  return *found.value();
}

}  // namespace kernel::initrd
