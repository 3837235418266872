#include <hal/mmio.hpp>

namespace hal::mmio {

namespace {
constinit u64 direct_base = 0;
constinit u64 direct_size = 0;
}  // namespace

void init(u64 direct_map_base, u64 direct_map_size) {
  direct_base = direct_map_base;
  direct_size = direct_map_size;
}

volatile void* map(u64 phys, u64 size) {
  if (direct_base == 0 || size == 0 || phys >= direct_size || size > direct_size - phys)
    return nullptr;
  return reinterpret_cast<volatile void*>(direct_base + phys);
}

}  // namespace hal::mmio
