// What this CPU offers, read once from CPUID at boot (hal::CpuInfo) and logged.
#pragma once

#include <hal/cpu_info.hpp>

namespace kernel::cpu {

void init();
const hal::CpuInfo& info();

}  // namespace kernel::cpu
