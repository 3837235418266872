// What this CPU offers: CPUID read once, first thing at boot, into one snapshot
// (hal::CpuidSnapshot) and decoded (hal::CpuInfo). Every later decision about a CPU feature
// (NX, 1 GiB pages, PAT, global pages, machine checks, x2APIC, TSC-deadline, the TSC's
// frequency) and the shell's `cpuinfo` read these instead of executing CPUID again.
#pragma once

#include <hal/cpu_info.hpp>
#include <hal/cpuid.hpp>

namespace kernel::cpu {

// Reads and decodes CPUID. Logs nothing (it runs before exceptions::init, so that enabling
// machine checks can use it). Context: boot sequence, once.
void init();
// Logs what init() found. Context: boot sequence.
void log_summary();

const hal::CpuInfo& info();
const hal::CpuidSnapshot& cpuid();

}  // namespace kernel::cpu
