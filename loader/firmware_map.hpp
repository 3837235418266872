// The firmware's memory map (UEFI 2.10 §7.2.3 GetMemoryMap): the one place that sizes a
// buffer for it and reads it.
#pragma once

#include "loader.hpp"

namespace loader {

// How big a buffer the map needs now. GetMemoryMap with a size of 0 reports the map's size;
// the buffer gets kMapSlackDescriptors more, because allocating it (and whatever the
// firmware allocates until the map is read) can add descriptors.
struct MapSizing {
  usize capacity;         // bytes to allocate
  usize descriptor_size;  // the firmware's stride, at least sizeof(boot::UefiMemoryDescriptor)
};
inline constexpr usize kMapSlackDescriptors = 32;
Expected<MapSizing> size_memory_map();

// One reading of the map. Walk it with descriptor_size as the stride, never sizeof.
struct MapSnapshot {
  UINTN key;  // for ExitBootServices
  UINTN descriptor_size;
  UINTN size;  // bytes filled
};

// GetMemoryMap into `buffer` of `capacity` bytes. Calls no other boot service, so it may
// run between ExitBootServices attempts.
EFI_STATUS read_memory_map(void* buffer, usize capacity, MapSnapshot& snap);

}  // namespace loader
