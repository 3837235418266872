#include <hal/mmio.hpp>

namespace hal::mmio {

namespace {
constinit u64 direct_base = 0;
constinit u64 direct_size = 0;
constinit Mapper high_mapper = nullptr;
constexpr u64 k4GiB = u64{1} << 32;
}  // namespace

void init(u64 direct_map_base, u64 direct_map_size) {
  direct_base = direct_map_base;
  direct_size = direct_map_size;
}

void set_high_mapper(Mapper mapper) { high_mapper = mapper; }

volatile void* map(u64 phys, u64 size) {
  if (size != 0 && phys + size > k4GiB && phys + size > phys)
    return high_mapper ? high_mapper(phys, size) : nullptr;
  if (direct_base == 0 || size == 0 || phys >= direct_size || size > direct_size - phys)
    return nullptr;
  return reinterpret_cast<volatile void*>(direct_base + phys);
}

}  // namespace hal::mmio
