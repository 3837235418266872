#include "boot.hpp"

namespace kernel::boot_info {

namespace {
constinit const boot::BootInfo* info_ = nullptr;
}

const char* check(const boot::BootInfo* info) {
  if (info == nullptr) return "no BootInfo pointer";
  if (info->magic != boot::kMagic) return "bad BootInfo magic";
  if (info->version < boot::kVersion) return "BootInfo version too old";
  if (info->size < sizeof(boot::BootInfo)) return "BootInfo smaller than this kernel expects";
  if (info->direct_map_base != boot::kDirectMapBase) return "unexpected direct map base";
  return nullptr;
}

void set(const boot::BootInfo* info) { info_ = info; }

const boot::BootInfo& get() { return *info_; }

libk::Span<const boot::MemoryRange> memory_map() {
  return {physical_to_virtual<const boot::MemoryRange>(info_->memory_map), info_->memory_map_count};
}

libk::StringView cmdline() {
  if (info_->cmdline == 0) return {};
  return {physical_to_virtual<const char>(info_->cmdline), info_->cmdline_length};
}

}  // namespace kernel::boot_info
