// ACPI power sequences (libk/acpi_power.hpp) against a fake register file that records
// every access: the S5 writes go to the PM1 control registers the captured FADTs name,
// with SLP_TYP in bits 10-12 and SLP_EN last; ACPI mode is requested when SCI_EN is off;
// the reset register is used only when the FADT offers it.
#include <catch2/catch.hpp>
#include <map>
#include <vector>

#include <libk/acpi_power.hpp>

#include "acpi_fixture.hpp"

using namespace libk::acpi;
using ember_test::CapturedMemory;

namespace {

struct Access {
  bool write;
  u8 space;
  u64 address;
  u8 bits;
  u64 value;
  bool operator==(const Access& o) const {
    return write == o.write && space == o.space && address == o.address && bits == o.bits &&
           value == o.value;
  }
};

class FakeRegisters final : public RegisterIo {
 public:
  bool read(const GenericAddress& reg, u8 bits, u64& value) override {
    if (reg.address_space > kAddressSpaceIo) return false;
    value = registers[reg.address];
    log.push_back({false, reg.address_space, reg.address, bits, value});
    return true;
  }
  bool write(const GenericAddress& reg, u8 bits, u64 value) override {
    if (reg.address_space > kAddressSpaceIo) return false;
    log.push_back({true, reg.address_space, reg.address, bits, value});
    if (reg.address == smi_port && value == enable_value && sci_after_enable)
      registers[pm1a] |= kPm1SciEnable;
    else if (reg.address != smi_port)
      registers[reg.address] = value & ~u64(kPm1SleepEnable);  // SLP_EN reads as 0
    return true;
  }
  void stall_us(u32 us) override { stalled_us += us; }

  std::vector<Access> writes() const {
    std::vector<Access> out;
    for (const Access& a : log)
      if (a.write) out.push_back(a);
    return out;
  }

  std::map<u64, u64> registers;
  std::vector<Access> log;
  u64 stalled_us = 0;
  u64 smi_port = 0, pm1a = 0;
  u64 enable_value = 0;
  bool sci_after_enable = true;
};

Fadt captured_fadt(const std::string& machine) {
  CapturedMemory memory(machine);
  auto& bytes = memory.region("FACP");
  Diagnostics diag;
  auto fadt = parse_fadt({bytes.data(), bytes.size()}, memory.address_of("FACP"), diag);
  REQUIRE(fadt.ok());
  return fadt.value();
}

}  // namespace

TEST_CASE("The captured FADTs name the PM1 control, SMI command and reset registers",
          "[acpi][power]") {
  Fadt q35 = captured_fadt("q35");  // revision 3: X_PM1a_CNT_BLK, reset register
  CHECK(q35.pm1a_control.address_space == kAddressSpaceIo);
  CHECK(q35.pm1a_control.address == 0x604);
  CHECK(q35.pm1a_control.bit_width == 16);
  CHECK(q35.pm1b_control.address == 0);
  CHECK(q35.smi_command == 0xB2);
  CHECK(q35.acpi_enable == 0x02);
  CHECK(q35.reset_valid);
  CHECK(q35.reset_register.address_space == kAddressSpaceIo);
  CHECK(q35.reset_register.address == 0xCF9);
  CHECK(q35.reset_value == 0x0F);
  Fadt pc = captured_fadt("pc");  // revision 1: legacy port fields only, no reset register
  CHECK(pc.pm1a_control.address_space == kAddressSpaceIo);
  CHECK(pc.pm1a_control.address == 0xB004);
  CHECK(pc.pm1a_control.bit_width == 16);  // PM1_CNT_LEN 2
  CHECK(pc.acpi_enable == 0xF1);
  CHECK(!pc.reset_valid);
}

TEST_CASE("S5 on q35: SLP_TYP written, then SLP_EN, other bits kept", "[acpi][power]") {
  Fadt fadt = captured_fadt("q35");
  FakeRegisters regs;
  regs.registers[0x604] = kPm1SciEnable | (5 << kPm1SleepTypeShift);  // stale type bits
  REQUIRE(enter_sleep_state(fadt, {0, 0}, regs).ok());
  std::vector<Access> want = {
      {true, kAddressSpaceIo, 0x604, 16, kPm1SciEnable},
      {true, kAddressSpaceIo, 0x604, 16, kPm1SciEnable | kPm1SleepEnable},
  };
  CHECK(regs.writes() == want);
}

TEST_CASE("S5 with a non-zero type and a PM1b block writes each its own type", "[acpi][power]") {
  Fadt fadt = captured_fadt("q35");
  fadt.pm1b_control = {kAddressSpaceIo, 16, 0, 0, 0x640};
  FakeRegisters regs;
  regs.registers[0x604] = kPm1SciEnable;
  REQUIRE(enter_sleep_state(fadt, {5, 3}, regs).ok());
  auto w = regs.writes();
  REQUIRE(w.size() == 4);
  CHECK(w[0].address == 0x604);
  CHECK(w[0].value == (kPm1SciEnable | 5 << kPm1SleepTypeShift));
  CHECK(w[1].address == 0x640);
  CHECK(w[1].value == 3 << kPm1SleepTypeShift);
  CHECK(w[2].value == (kPm1SciEnable | 5 << kPm1SleepTypeShift | kPm1SleepEnable));
  CHECK(w[3].value == (3 << kPm1SleepTypeShift | kPm1SleepEnable));
}

TEST_CASE("Without SCI_EN, ACPI mode is requested through SMI_CMD first", "[acpi][power]") {
  Fadt fadt = captured_fadt("pc");
  FakeRegisters regs;
  regs.smi_port = 0xB2;
  regs.pm1a = 0xB004;
  regs.enable_value = 0xF1;
  REQUIRE(enter_sleep_state(fadt, {0, 0}, regs).ok());
  auto w = regs.writes();
  REQUIRE(w.size() == 3);
  CHECK(w[0] == Access{true, kAddressSpaceIo, 0xB2, 8, 0xF1});
  CHECK(w[2].value == (kPm1SciEnable | kPm1SleepEnable));
}

TEST_CASE("Firmware that never enters ACPI mode times out instead of hanging", "[acpi][power]") {
  Fadt fadt = captured_fadt("pc");
  FakeRegisters regs;
  regs.smi_port = 0xB2;
  regs.pm1a = 0xB004;
  regs.enable_value = 0xF1;
  regs.sci_after_enable = false;
  auto r = enter_sleep_state(fadt, {0, 0}, regs);
  REQUIRE(!r.ok());
  CHECK(r.error() == PowerProblem::AcpiModeTimeout);
  CHECK(regs.stalled_us >= kAcpiEnableWaitUs);
  CHECK(regs.writes().size() == 1);  // only the enable request: no sleep bits written
}

TEST_CASE("Sleep needs a PM1a control block in a reachable address space", "[acpi][power]") {
  Fadt fadt = captured_fadt("q35");
  FakeRegisters regs;
  SECTION("none") {
    fadt.pm1a_control = {};
    CHECK(enter_sleep_state(fadt, {0, 0}, regs).error() == PowerProblem::NoPm1Control);
  }
  SECTION("PCI configuration space") {
    fadt.pm1a_control.address_space = 2;
    CHECK(enter_sleep_state(fadt, {0, 0}, regs).error() == PowerProblem::UnreachableRegister);
  }
  SECTION("hardware-reduced ACPI") {
    fadt.flags |= kFadtHardwareReduced;
    CHECK(enter_sleep_state(fadt, {0, 0}, regs).error() == PowerProblem::HardwareReduced);
  }
  CHECK(regs.writes().empty());
}

TEST_CASE("Reset writes RESET_VALUE to the reset register, 8 bits", "[acpi][power]") {
  Fadt fadt = captured_fadt("q35");
  FakeRegisters regs;
  REQUIRE(reset_through_register(fadt, regs).ok());
  std::vector<Access> want = {{true, kAddressSpaceIo, 0xCF9, 8, 0x0F}};
  CHECK(regs.writes() == want);
}

TEST_CASE("Reset without a supported reset register writes nothing", "[acpi][power]") {
  Fadt fadt = captured_fadt("pc");
  FakeRegisters regs;
  CHECK(reset_through_register(fadt, regs).error() == PowerProblem::ResetUnsupported);
  CHECK(regs.log.empty());
}

TEST_CASE("Register access width: access size, then bit width, then the default", "[acpi][power]") {
  CHECK(register_access_bits({1, 16, 0, kAccessDword, 0x10}, 16) == 32);
  CHECK(register_access_bits({1, 16, 0, 0, 0x10}, 8) == 16);
  CHECK(register_access_bits({1, 12, 0, 0, 0x10}, 16) == 16);
  CHECK(register_access_bits({1, 0, 0, 0, 0x10}, 8) == 8);
}
