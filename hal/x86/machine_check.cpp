#include <hal/cpu.hpp>
#include <hal/machine_check.hpp>
#include <hal/registers.hpp>

namespace hal::machine_check {

namespace {
constexpr u32 kCpuidMce = 1u << 7;   // CPUID.1:EDX
constexpr u32 kCpuidMca = 1u << 14;  // CPUID.1:EDX
// SDM Vol. 4, Table 2-2.
constexpr u32 kMcgCap = 0x179, kMcgStatus = 0x17A, kMc0Status = 0x401, kMc0Addr = 0x402;
constexpr u64 kStatusValid = 1ull << 63, kStatusAddressValid = 1ull << 58;

bool has_mca() { return cpu::cpuid(1).edx & kCpuidMca; }
}  // namespace

bool enable() {
  if (!(cpu::cpuid(1).edx & kCpuidMce)) return false;
  Cr4::read().set_mce(true).write();
  return true;
}

u64 global_status() { return has_mca() ? cpu::rdmsr(kMcgStatus) : 0; }

u32 for_each_error(void (*visit)(const Bank& bank, void* context), void* context) {
  if (!has_mca()) return 0;
  u32 banks = u32(cpu::rdmsr(kMcgCap) & 0xFF);
  for (u32 i = 0; i < banks; ++i) {
    u64 status = cpu::rdmsr(kMc0Status + 4 * i);
    if (!(status & kStatusValid)) continue;
    u64 address = status & kStatusAddressValid ? cpu::rdmsr(kMc0Addr + 4 * i) : 0;
    visit(Bank{i, status, address}, context);
  }
  return banks;
}

}  // namespace hal::machine_check
