#include "firmware_map.hpp"

#include <boot/memory_map.hpp>

namespace loader {

Expected<MapSizing> size_memory_map() {
  UINTN size = 0, key = 0, descriptor_size = 0;
  UINT32 version = 0;
  EFI_STATUS s = firmware.boot->GetMemoryMap(&size, nullptr, &key, &descriptor_size, &version);
  if (s != EFI_BUFFER_TOO_SMALL || descriptor_size < sizeof(boot::UefiMemoryDescriptor))
    return fail(s, "cannot size the memory map ({})", Status{s});
  return MapSizing{size + kMapSlackDescriptors * descriptor_size, descriptor_size};
}

EFI_STATUS read_memory_map(void* buffer, usize capacity, MapSnapshot& snap) {
  snap.size = capacity;
  UINT32 version = 0;
  return firmware.boot->GetMemoryMap(&snap.size, static_cast<EFI_MEMORY_DESCRIPTOR*>(buffer),
                                     &snap.key, &snap.descriptor_size, &version);
}

}  // namespace loader
