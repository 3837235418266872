#include "power.hpp"

#include <hal/i8042.hpp>
#include <hal/interrupts.hpp>
#include <hal/power.hpp>
#include <libk/acpi_power.hpp>

#include "acpi.hpp"
#include "log.hpp"
#include "time.hpp"

namespace kernel::power {

namespace {

using namespace libk::acpi;

// How long each method gets before the next one is tried: QEMU acts at once; real
// chipsets within milliseconds.
constexpr u64 kGraceNs = 500 * time::kNsPerMs;

class HalRegisters final : public RegisterIo {
 public:
  bool read(const GenericAddress& reg, u8 bits, u64& value) override {
    return hal::power::read_register(reg, bits, value);
  }
  bool write(const GenericAddress& reg, u8 bits, u64 value) override {
    return hal::power::write_register(reg, bits, value);
  }
  void stall_us(u32 us) override { time::spin_ns(u64(us) * 1000); }
};

constinit SleepType s5 = {};
constinit bool have_s5 = false;
constinit libk::StringView s5_why = "ACPI was not initialized";

// \_S5 in one AML table; false (and the problem) if that table does not define it.
bool scan(const TableRef& ref, AmlProblem& problem) {
  auto found = find_sleep_type(table_bytes(acpi::memory(), ref), 5);
  if (found) {
    s5 = found.value();
    log::info("power: \\_S5 in the {} at {:#x}: SLP_TYPa {}, SLP_TYPb {}", ref.signature,
              ref.address, s5.a, s5.b);
    return true;
  }
  problem = found.error();
  return false;
}

// The DSDT as a table reference (the FADT points at it; the XSDT does not list it).
libk::Optional<TableRef> dsdt_ref(const Fadt& fadt) {
  Diagnostics diag;
  auto table = read_table(acpi::memory(), fadt.dsdt, "DSDT", diag);
  if (!table) {
    for (const Diagnostic& d : diag.items()) log::warn("power: {}", d);
    return libk::nullopt;
  }
  return TableRef{"DSDT", fadt.dsdt, u32(table.value().size()), table.value()[8]};
}

void wait_for_power_to_go() {
  hal::interrupts::enable();
  time::spin_ns(kGraceNs);
}

// One reset attempt; returns if the machine is still running afterwards.
void try_reset(ResetMethod method) {
  HalRegisters io;
  log::info("power: resetting through {}", reset_method_name(method));
  switch (method) {
    case ResetMethod::AcpiRegister: {
      const Fadt* fadt = acpi::fadt();
      if (!fadt) return log::warn("power: no FADT, hence no reset register");
      if (auto done = reset_through_register(*fadt, io); !done)
        return log::warn("power: reset register: {}", power_problem_text(done.error()));
      break;
    }
    case ResetMethod::Keyboard: hal::i8042::pulse_reset_line(); break;
    case ResetMethod::TripleFault: hal::power::triple_fault();
  }
  wait_for_power_to_go();
  log::warn("power: still running after the {} reset", reset_method_name(method));
}

}  // namespace

void init() {
  const Fadt* fadt = acpi::fadt();
  if (!fadt) {
    s5_why = "no FADT";
  } else if (auto dsdt = dsdt_ref(*fadt); !dsdt) {
    s5_why = "the DSDT is unreadable";
  } else {
    AmlProblem problem = AmlProblem::NotFound;
    have_s5 = scan(*dsdt, problem);
    for (usize i = 0; !have_s5 && acpi::tables()->find("SSDT", i); ++i)
      have_s5 = scan(*acpi::tables()->find("SSDT", i), problem);
    s5_why = have_s5 ? libk::StringView() : aml_problem_text(problem);
  }
  if (!have_s5) log::warn("power: no \\_S5 sleep type ({}); shutdown will not work", s5_why);
}

libk::Optional<SleepType> s5_sleep_type() {
  if (!have_s5) return libk::nullopt;
  return s5;
}

libk::StringView s5_problem() { return s5_why; }

libk::StringView shutdown() {
  const Fadt* fadt = acpi::fadt();
  if (!fadt) return "no FADT";
  if (!have_s5) return s5_why;
  log::info("power: entering ACPI S5 (soft off)");
  HalRegisters io;
  auto done = enter_sleep_state(*fadt, s5, io);
  if (!done) return power_problem_text(done.error());
  wait_for_power_to_go();
  return "the machine is still running after the S5 request";
}

libk::StringView reset_method_name(ResetMethod method) {
  switch (method) {
    case ResetMethod::AcpiRegister: return "the ACPI reset register";
    case ResetMethod::Keyboard: return "the 8042 reset line";
    case ResetMethod::TripleFault: return "a triple fault";
  }
  return "?";
}

bool parse_reset_method(libk::StringView text, ResetMethod& out) {
  if (text == "acpi")
    out = ResetMethod::AcpiRegister;
  else if (text == "kbd" || text == "8042")
    out = ResetMethod::Keyboard;
  else if (text == "triple")
    out = ResetMethod::TripleFault;
  else
    return false;
  return true;
}

void reboot(ResetMethod first) {
  for (u8 m = u8(first); m <= u8(ResetMethod::TripleFault); ++m) try_reset(ResetMethod(m));
  hal::power::triple_fault();  // not reached: the triple fault resets
}

}  // namespace kernel::power
