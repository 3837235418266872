#include <hal/cpu.hpp>
#include <hal/machine_check.hpp>
#include <hal/registers.hpp>

namespace hal::machine_check {

namespace {
// SDM Vol. 4, Table 2-2.
constexpr u32 kMcgCap = 0x179, kMcgStatus = 0x17A, kMc0Status = 0x401, kMc0Addr = 0x402;

// IA32_MCG_CAP — SDM Vol. 3B §16.3.1.1, Figure 16-2.
class McgCap : public detail::BitRegister<McgCap> {
 public:
  using BitRegister::BitRegister;
  HAL_FIELD(u8, 7, 0, bank_count);
};

// IA32_MCi_STATUS — SDM Vol. 3B §16.3.2.2, Figure 16-6.
class McStatus : public detail::BitRegister<McStatus> {
 public:
  using BitRegister::BitRegister;
  HAL_BIT(58, address_valid);  // ADDRV: IA32_MCi_ADDR holds the address
  HAL_BIT(63, valid);          // VAL: the bank holds an error
};

// Whether the MCA banks exist; set once by enable() (from the CPUID snapshot).
constinit bool has_mca = false;
}  // namespace

bool enable(const CpuInfo& cpu) {
  has_mca = cpu.machine_check_architecture;
  if (!cpu.machine_check_exception) return false;
  Cr4::read().set_mce(true).write();
  return true;
}

u64 global_status() { return has_mca ? cpu::rdmsr(kMcgStatus) : 0; }

u32 for_each_error(void (*visit)(const Bank& bank, void* context), void* context) {
  if (!has_mca) return 0;
  u32 banks = McgCap(cpu::rdmsr(kMcgCap)).bank_count();
  for (u32 i = 0; i < banks; ++i) {
    McStatus status(cpu::rdmsr(kMc0Status + 4 * i));
    if (!status.valid()) continue;
    u64 address = status.address_valid() ? cpu::rdmsr(kMc0Addr + 4 * i) : 0;
    visit(Bank{i, status.raw(), address}, context);
  }
  return banks;
}

}  // namespace hal::machine_check
