// Reading files from the volume the loader was started from (the EFI System Partition).
#pragma once

#include <libk/string_view.hpp>

#include "loader.hpp"

namespace loader {

// A file path in both encodings: UCS-2 for the firmware, UTF-8 for messages.
struct Path {
  static constexpr usize kMax = 255;
  char16_t firmware[kMax + 1];
  char display[kMax * 3 + 1];
};

// "/boot/ember.elf" or "\boot\ember.elf" -> "\boot\ember.elf". Fails on empty, over-long,
// or non-BMP paths.
Expected<Path> make_path(libk::StringView utf8);

// Memory holding a whole file: pages of EfiLoaderData at a physical (= identity) address.
struct FileData {
  u64 address;
  u64 size;

  const u8* bytes() const { return reinterpret_cast<const u8*>(address); }
  libk::StringView text() const { return {reinterpret_cast<const char*>(address), size}; }
};

Expected<EFI_FILE_PROTOCOL*> open_boot_volume();

// Reads a whole file in 1 MiB chunks. A missing file fails with EFI_NOT_FOUND; a file over
// `max_size` bytes, a read error or a short read fail with a message naming the path.
Expected<FileData> read_file(EFI_FILE_PROTOCOL* root, const Path& path, u64 max_size);

// AllocatePages(AnyPages, EfiLoaderData), zero-filled. `what` names the use in messages.
Expected<u64> allocate_pages(u64 bytes, const char* what);
// One zeroed page below `limit` (exclusive), or 0 if the firmware has none there.
u64 allocate_page_below(u64 limit);

}  // namespace loader
