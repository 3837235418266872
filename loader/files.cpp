#include "files.hpp"

#include <libk/utf8.hpp>
#include <libk/utility.hpp>

namespace loader {

namespace {

constinit EFI_GUID kLoadedImageGuid = EFI_LOADED_IMAGE_PROTOCOL_GUID;
constinit EFI_GUID kFileSystemGuid = EFI_SIMPLE_FILE_SYSTEM_PROTOCOL_GUID;
constinit EFI_GUID kFileInfoGuid = EFI_FILE_INFO_ID;

constexpr u64 kChunk = 1 * libk::MiB;  // some firmware fails large single reads

// Closes a firmware file handle when it goes out of scope.
class FileHandle {
 public:
  explicit FileHandle(EFI_FILE_PROTOCOL* f) : file_(f) {}
  FileHandle(const FileHandle&) = delete;
  ~FileHandle() { file_->Close(file_); }
  EFI_FILE_PROTOCOL* operator->() const { return file_; }
  EFI_FILE_PROTOCOL* get() const { return file_; }

 private:
  EFI_FILE_PROTOCOL* file_;
};

Expected<u64> file_size(EFI_FILE_PROTOCOL* file, const Path& path) {
  UINTN size = 0;
  EFI_STATUS s = file->GetInfo(file, &kFileInfoGuid, &size, nullptr);
  if (s != EFI_BUFFER_TOO_SMALL)
    return fail(s, "{}: cannot get file info ({})", path.display, Status{s});
  void* info = nullptr;
  s = firmware.boot->AllocatePool(EfiLoaderData, size, &info);
  if (EFI_ERROR(s)) return fail(s, "{}: out of memory for file info", path.display);
  s = file->GetInfo(file, &kFileInfoGuid, &size, info);
  u64 bytes = static_cast<EFI_FILE_INFO*>(info)->FileSize;
  u64 attributes = static_cast<EFI_FILE_INFO*>(info)->Attribute;
  firmware.boot->FreePool(info);
  if (EFI_ERROR(s)) return fail(s, "{}: cannot get file info ({})", path.display, Status{s});
  if (attributes & EFI_FILE_DIRECTORY)
    return fail(EFI_NOT_FOUND, "{}: is a directory", path.display);
  return bytes;
}

Expected<void> read_chunks(EFI_FILE_PROTOCOL* file, const Path& path, u8* buffer, u64 size) {
  u64 done = 0;
  while (done < size) {
    UINTN want = UINTN(libk::min(kChunk, size - done));
    EFI_STATUS s = file->Read(file, &want, buffer + done);
    if (EFI_ERROR(s))
      return fail(s, "{}: read error at byte {} ({})", path.display, done, Status{s});
    if (want == 0) break;  // end of file
    done += want;
  }
  if (done != size)
    return fail(EFI_LOAD_ERROR, "{}: short read ({} of {} bytes)", path.display, done, size);
  return {};
}

}  // namespace

Expected<Path> make_path(libk::StringView utf8) {
  Path path{};
  usize n = 0;
  bool bad = false;
  auto push = [&](char32_t cp) {
    if (cp == '/') cp = '\\';
    if (cp > 0xFFFF || cp == libk::kReplacementCharacter || cp < 0x20) bad = true;
    if (n < Path::kMax) path.firmware[n] = char16_t(cp);
    ++n;
  };
  if (utf8.empty()) return fail(EFI_INVALID_PARAMETER, "empty file path");
  if (utf8[0] != '/' && utf8[0] != '\\') push('\\');
  libk::decode_utf8(utf8, push);
  if (bad) return fail(EFI_INVALID_PARAMETER, "invalid characters in file path \"{}\"", utf8);
  if (n > Path::kMax) return fail(EFI_INVALID_PARAMETER, "file path too long: \"{}\"", utf8);
  path.firmware[n] = 0;
  usize out = 0;
  for (usize i = 0; i < n; ++i) out += libk::encode_utf8(path.firmware[i], path.display + out);
  path.display[out] = '\0';
  return path;
}

Expected<u64> allocate_pages(u64 bytes, const char* what) {
  u64 pages = libk::align_up(bytes, libk::kPageSize) / libk::kPageSize;
  EFI_PHYSICAL_ADDRESS address = 0;
  EFI_STATUS s = firmware.boot->AllocatePages(AllocateAnyPages, EfiLoaderData, pages, &address);
  if (EFI_ERROR(s)) return fail(s, "out of memory for the {} ({} pages)", what, pages);
  __builtin_memset(reinterpret_cast<void*>(address), 0, pages * libk::kPageSize);
  return u64(address);
}

u64 allocate_page_below(u64 limit) {
  EFI_PHYSICAL_ADDRESS address = limit - 1;  // AllocateMaxAddress: the highest byte allowed
  EFI_STATUS s = firmware.boot->AllocatePages(AllocateMaxAddress, EfiLoaderData, 1, &address);
  if (EFI_ERROR(s)) return 0;
  __builtin_memset(reinterpret_cast<void*>(address), 0, libk::kPageSize);
  return u64(address);
}

Expected<EFI_FILE_PROTOCOL*> open_boot_volume() {
  EFI_LOADED_IMAGE* image = nullptr;
  EFI_STATUS s = firmware.boot->HandleProtocol(firmware.image, &kLoadedImageGuid,
                                               reinterpret_cast<void**>(&image));
  if (EFI_ERROR(s)) return fail(s, "cannot find the loaded image ({})", Status{s});
  EFI_SIMPLE_FILE_SYSTEM_PROTOCOL* fs = nullptr;
  s = firmware.boot->HandleProtocol(image->DeviceHandle, &kFileSystemGuid,
                                    reinterpret_cast<void**>(&fs));
  if (EFI_ERROR(s)) return fail(s, "the boot device has no file system ({})", Status{s});
  EFI_FILE_PROTOCOL* root = nullptr;
  s = fs->OpenVolume(fs, &root);
  if (EFI_ERROR(s)) return fail(s, "cannot open the boot volume ({})", Status{s});
  return root;
}

Expected<FileData> read_file(EFI_FILE_PROTOCOL* root, const Path& path, u64 max_size) {
  EFI_FILE_PROTOCOL* raw = nullptr;
  EFI_STATUS s =
      root->Open(root, &raw, reinterpret_cast<CHAR16*>(const_cast<char16_t*>(path.firmware)),
                 EFI_FILE_MODE_READ, 0);
  if (s == EFI_NOT_FOUND) return fail(s, "{}: file not found", path.display);
  if (EFI_ERROR(s)) return fail(s, "{}: cannot open ({})", path.display, Status{s});
  FileHandle file(raw);
  u64 size = TRY(file_size(file.get(), path));
  if (size > max_size)
    return fail(EFI_BAD_BUFFER_SIZE, "{}: file is {} bytes, over the {}-byte limit", path.display,
                size, max_size);
  u64 address = TRY(allocate_pages(libk::max<u64>(size, 1), path.display));
  TRY(read_chunks(file.get(), path, reinterpret_cast<u8*>(address), size));
  return FileData{address, size};
}

}  // namespace loader
