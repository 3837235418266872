#include "modules.hpp"

namespace loader {

namespace {

constexpr const char* kInitrdPath = "\\boot\\initrd.tar";
constexpr const char* kInitrdName = "initrd";
constexpr u64 kMaxInitrd = 64 * libk::MiB;

}  // namespace

Expected<void> load_modules(EFI_FILE_PROTOCOL* root, Verifier& verifier, Modules& out) {
  out.count = 0;
  Path path = make_path(kInitrdPath).release_value();
  auto file = read_file(root, path, kMaxInitrd);
  if (!file) {
    if (file.error().status == EFI_NOT_FOUND)
      return verify_absent(verifier, boot::digests::Role::Module, path);
    return libk::unexpected(file.error());
  }
  const FileData data = file.value();
  bool use = TRY(verify_file(verifier, boot::digests::Role::Module, path,
                             libk::Bytes(data.bytes(), data.size)));
  if (!use) return {};
  boot::Module& m = out.table[out.count++];
  m.base = data.address;
  m.size = data.size;
  libk::format_into(m.name, sizeof(m.name), "{}", kInitrdName);
  print("{}: {}: {} bytes, boot module \"{}\"\n", kName, path.display, data.size, m.name);
  return {};
}

Expected<void> record_modules(const Modules& modules, boot::BootInfo& info) {
  info.module_count = modules.count;
  info.modules = 0;
  if (modules.count == 0) return {};
  u64 bytes = modules.count * sizeof(boot::Module);
  u64 table = TRY(allocate_pages(bytes, "module table"));
  __builtin_memcpy(reinterpret_cast<void*>(table), modules.table, bytes);
  info.modules = table;
  return {};
}

}  // namespace loader
