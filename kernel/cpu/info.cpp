#include "cpu/info.hpp"

#include "log.hpp"

namespace kernel::cpu {

namespace {
constinit hal::CpuInfo cpu_info = {};
constinit hal::CpuidSnapshot leaves = {};
}  // namespace

void init() {
  leaves = hal::CpuidSnapshot::read();
  cpu_info = hal::CpuInfo::decode(leaves);
}

void log_summary() {
  const hal::CpuInfo& c = cpu_info;
  log::info("cpu: {} family {:#x} model {:#x} stepping {} \"{}\"", c.vendor, c.family, c.model,
            c.stepping, libk::StringView(leaves.brand).trim());
  log::info(
      "cpu: APIC {}, x2APIC {}, TSC-deadline {}, invariant TSC {}, hypervisor {}, "
      "CPUID max leaf {:#x}",
      c.apic ? "yes" : "no", c.x2apic ? "yes" : "no", c.tsc_deadline ? "yes" : "no",
      c.invariant_tsc ? "yes" : "no", c.hypervisor ? "yes" : "no", leaves.max_basic);
}

const hal::CpuInfo& info() { return cpu_info; }
const hal::CpuidSnapshot& cpuid() { return leaves; }

}  // namespace kernel::cpu
