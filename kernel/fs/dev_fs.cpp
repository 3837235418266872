#include "fs/dev_fs.hpp"

#include "tty/tty.hpp"

namespace kernel::fs::dev_fs {

namespace {

using libk::StringView;

struct Device {
  StringView name;
  Vnode& (*node)();
};

constexpr Device kDevices[] = {{"console", tty::console_vnode}};

// "/dev" itself: shared, never freed.
class DevDirectory final : public Vnode {
 public:
  abi::FileType type() const override { return abi::FileType::Directory; }
  abi::Stat stat() const override { return {abi::FileType::Directory, 0555, 0}; }
  Result<usize> read(u64, libk::Span<u8>) override { return libk::unexpected(Error::IsDirectory); }
  Result<bool> readdir(u64 index, abi::DirEntry& out) override {
    if (index >= sizeof(kDevices) / sizeof(kDevices[0])) return false;
    out = abi::DirEntry{};
    out.type = abi::FileType::Device;
    StringView name = kDevices[index].name;
    __builtin_memcpy(out.name, name.data(), name.size());
    return true;
  }
};

class DevFs final : public FileSystem {
 public:
  Result<Vnode*> lookup(StringView path) override {
    if (path.empty()) return &directory_;
    for (const Device& d : kDevices)
      if (d.name == path) return &d.node();
    StringView first = path.substr(0, path.find('/'));
    for (const Device& d : kDevices)
      if (d.name == first) return libk::unexpected(Error::NotDirectory);
    return libk::unexpected(Error::NoEntry);
  }

 private:
  DevDirectory directory_;
};

constinit DevFs instance;

}  // namespace

FileSystem& file_system() { return instance; }

}  // namespace kernel::fs::dev_fs
