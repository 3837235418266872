// The local APIC and I/O APIC register paths (hal/lapic.hpp, hal/ioapic.hpp) against fakes.
// QEMU 7.2's TCG offers neither x2APIC nor the TSC-deadline timer, so these tests are where
// the x2APIC MSR path and the deadline MSR are exercised.
#include <catch2/catch.hpp>
#include <map>
#include <vector>

#include <hal/ioapic.hpp>
#include <hal/lapic.hpp>

using hal::ApicRegister;

namespace {

class FakeMsrs final : public hal::MsrIo {
 public:
  u64 read(u32 msr) override {
    reads.push_back(msr);
    return values[msr];
  }
  void write(u32 msr, u64 value) override {
    writes.push_back({msr, value});
    values[msr] = value;
  }
  std::map<u32, u64> values;
  std::vector<u32> reads;
  std::vector<std::pair<u32, u64>> writes;
};

// A 4 KiB register page in host memory standing in for the xAPIC's MMIO page.
struct FakeApicPage {
  alignas(16) u32 words[1024] = {};
  u32& reg(ApicRegister r) { return words[u16(r) / 4]; }
};

class FakeIoApicWindow final : public hal::IoApicWindow {
 public:
  u32 read(u8 index) override { return regs[index]; }
  void write(u8 index, u32 value) override {
    writes.push_back({index, value});
    regs[index] = value;
  }
  std::map<u8, u32> regs;
  std::vector<std::pair<u8, u32>> writes;
};

}  // namespace

TEST_CASE("x2APIC registers are MSR 0x800 + offset/16", "[apic]") {
  CHECK(hal::x2apic_msr(ApicRegister::Id) == 0x802);
  CHECK(hal::x2apic_msr(ApicRegister::Eoi) == 0x80B);
  CHECK(hal::x2apic_msr(ApicRegister::SpuriousVector) == 0x80F);
  CHECK(hal::x2apic_msr(ApicRegister::LvtTimer) == 0x832);
  CHECK(hal::x2apic_msr(ApicRegister::TimerInitialCount) == 0x838);
  CHECK(hal::x2apic_msr(ApicRegister::TimerCurrentCount) == 0x839);
  CHECK(hal::x2apic_msr(ApicRegister::TimerDivide) == 0x83E);
}

TEST_CASE("x2APIC: enable, ID and EOI go through the MSRs", "[apic]") {
  FakeMsrs msrs;
  msrs.values[0x802] = 0x0001'2345;  // a 32-bit x2APIC ID
  msrs.values[0x803] = 0x0005'0014;  // version 0x14, 6 LVT entries
  hal::X2ApicRegisters regs(msrs);
  hal::LocalApic lapic(regs);
  lapic.enable(0xFF);
  CHECK(lapic.x2apic());
  CHECK(lapic.id() == 0x12345);                 // all 32 bits, unlike xAPIC's 8
  CHECK(msrs.values[0x80F] == (0x100 | 0xFF));  // software enable + spurious vector
  CHECK(msrs.values[0x808] == 0);               // TPR: accept everything
  CHECK(msrs.values[0x835] == 1u << 16);        // LINT0 masked
  CHECK(msrs.values[0x833] == 1u << 16);        // thermal masked (6 LVT entries)
  msrs.writes.clear();
  lapic.eoi();
  REQUIRE(msrs.writes.size() == 1);
  CHECK(msrs.writes[0] == std::pair<u32, u64>{0x80B, 0});  // EOI must be written with 0
}

TEST_CASE("x2APIC: a one-shot timer writes divide, LVT, then the count", "[apic]") {
  FakeMsrs msrs;
  hal::X2ApicRegisters regs(msrs);
  hal::LocalApic lapic(regs);
  lapic.start_one_shot(0xF0, 123456, hal::ApicTimerDivide::By16);
  REQUIRE(msrs.writes.size() == 3);
  CHECK(msrs.writes[0] == std::pair<u32, u64>{0x83E, 0x3});
  CHECK(msrs.writes[1] == std::pair<u32, u64>{0x832, 0xF0});  // one-shot, unmasked
  CHECK(msrs.writes[2] == std::pair<u32, u64>{0x838, 123456});
}

TEST_CASE("TSC-deadline mode: LVT mode 10b, then IA32_TSC_DEADLINE", "[apic]") {
  FakeMsrs msrs;
  hal::X2ApicRegisters regs(msrs);
  hal::LocalApic lapic(regs);
  lapic.enter_tsc_deadline_mode(0xF0);
  CHECK(msrs.values[0x832] == (0xF0 | 2u << 17));
  CHECK(lapic.timer_lvt().timer_mode() == hal::LvtEntry::TimerMode::TscDeadline);
  hal::LocalApic::set_tsc_deadline(msrs, 0x1234'5678'9ABC);
  CHECK(msrs.writes.back() == std::pair<u32, u64>{0x6E0, 0x1234'5678'9ABC});
}

TEST_CASE("IA32_APIC_BASE: enable and EXTD bits", "[apic]") {
  FakeMsrs msrs;
  msrs.values[0x1B] = 0xFEE0'0000 | 1u << 8 | 1u << 11;  // BSP, enabled, xAPIC
  auto base = hal::ApicBase::read(msrs);
  CHECK(base.bsp());
  CHECK(base.enabled());
  CHECK_FALSE(base.x2apic());
  CHECK(base.base() == 0xFEE0'0000);
  base.set_x2apic(true).write(msrs);
  CHECK(msrs.values[0x1B] == (0xFEE0'0000u | 1u << 8 | 1u << 10 | 1u << 11));
}

TEST_CASE("xAPIC: registers are 32-bit words in the MMIO page; the ID is bits 31:24", "[apic]") {
  FakeApicPage page;
  page.reg(ApicRegister::Id) = 3u << 24;
  page.reg(ApicRegister::Version) = 0x0003'0014;  // 4 LVT entries: no thermal/perf
  hal::XApicRegisters regs(page.words);
  hal::LocalApic lapic(regs);
  lapic.enable(0xFF);
  CHECK_FALSE(lapic.x2apic());
  CHECK(lapic.id() == 3);
  CHECK(lapic.software_enabled());
  CHECK(lapic.spurious_vector() == 0xFF);
  CHECK(page.reg(ApicRegister::LvtThermal) == 0);  // not written: the entry does not exist
  CHECK(page.reg(ApicRegister::LvtError) == 1u << 16);
  page.words[(0x100 + 0x10 * (0x31 / 32)) / 4] = 1u << (0x31 % 32);  // ISR bit of 0x31
  CHECK(lapic.in_service(0x31));
  CHECK_FALSE(lapic.in_service(0x30));
}

TEST_CASE("LVT entries: NMI delivery with polarity", "[apic]") {
  auto nmi = hal::LvtEntry(0).set_delivery(hal::LvtEntry::Delivery::Nmi).set_active_low(true);
  CHECK(nmi.raw() == (4u << 8 | 1u << 13));
  CHECK(nmi.delivery() == hal::LvtEntry::Delivery::Nmi);
  CHECK_FALSE(nmi.masked());
}

TEST_CASE("I/O APIC: entry count from the version register", "[apic][ioapic]") {
  FakeIoApicWindow window;
  window.regs[1] = 0x0017'0020;  // 24 entries, version 0x20
  hal::IoApic io(window);
  CHECK(io.entries() == 24);
  CHECK(io.version() == 0x20);
}

TEST_CASE("I/O APIC: a redirection entry is written masked first, then unmasked",
          "[apic][ioapic]") {
  FakeIoApicWindow window;
  hal::IoApic io(window);
  auto entry = hal::RedirectionEntry(0)
                   .set_vector(0x39)
                   .set_level_triggered(true)
                   .set_active_low(true)
                   .set_destination(2);
  io.set_entry(9, entry);
  REQUIRE(window.writes.size() == 3);
  CHECK(window.writes[0].first == 0x10 + 18);
  CHECK((window.writes[0].second & (1u << 16)) != 0);  // masked while half-written
  CHECK(window.writes[1] == std::pair<u8, u32>{0x10 + 19, 2u << 24});
  CHECK(window.writes[2] == std::pair<u8, u32>{0x10 + 18, 0x39 | 1u << 13 | 1u << 15});
  auto back = io.entry(9);
  CHECK(back.vector() == 0x39);
  CHECK(back.level_triggered());
  CHECK(back.active_low());
  CHECK(back.destination() == 2);
  CHECK_FALSE(back.masked());
}

TEST_CASE("I/O APIC: mask_all masks every input", "[apic][ioapic]") {
  FakeIoApicWindow window;
  window.regs[1] = 0x0003'0011;  // 4 entries
  hal::IoApic io(window);
  io.mask_all();
  for (u32 i = 0; i < 4; ++i) CHECK(io.entry(i).masked());
}

TEST_CASE("An IPI in x2APIC mode is one write of MSR 0x830 with a 32-bit destination",
          "[apic][ipi]") {
  FakeMsrs msrs;
  hal::X2ApicRegisters regs(msrs);
  hal::LocalApic apic(regs);
  using Icr = hal::InterruptCommand;
  REQUIRE(apic.send_ipi(0x1234, Icr(0).set_vector(0xF1).set_assert_level(true)));
  REQUIRE(msrs.writes.size() == 1);
  CHECK(msrs.writes[0].first == 0x830);
  Icr sent(msrs.writes[0].second);
  CHECK(sent.vector() == 0xF1);
  CHECK(sent.x2apic_destination() == 0x1234);  // x2APIC IDs above 255 reach their CPU
  CHECK(sent.delivery() == Icr::Delivery::Fixed);
  CHECK(sent.shorthand() == Icr::Shorthand::None);
  CHECK_FALSE(sent.logical_destination());
}

TEST_CASE("An IPI in xAPIC mode writes the destination high word, then the low word",
          "[apic][ipi]") {
  FakeApicPage page;
  hal::XApicRegisters regs(page.words);
  hal::LocalApic apic(regs);
  using Icr = hal::InterruptCommand;
  REQUIRE(apic.send_ipi(7, Icr(0).set_delivery(Icr::Delivery::Nmi).set_assert_level(true)));
  CHECK(page.reg(ApicRegister::InterruptCommandHigh) == 7u << 24);
  Icr low(page.reg(ApicRegister::InterruptCommandLow));
  CHECK(low.delivery() == Icr::Delivery::Nmi);
  CHECK(low.assert_level());
  // An xAPIC destination is 8 bits: a larger ID cannot be addressed, and nothing is sent.
  page.reg(ApicRegister::InterruptCommandLow) = 0;
  CHECK_FALSE(apic.send_ipi(256, Icr(0).set_vector(0x40)));
  CHECK(page.reg(ApicRegister::InterruptCommandLow) == 0);
}

TEST_CASE("An xAPIC IPI waits for the previous one to leave, and gives up if it never does",
          "[apic][ipi]") {
  FakeApicPage page;
  hal::XApicRegisters regs(page.words);
  hal::LocalApic apic(regs);
  using Icr = hal::InterruptCommand;
  page.reg(ApicRegister::InterruptCommandLow) = u32(Icr(0).set_send_pending(true).raw());
  CHECK_FALSE(apic.send_ipi(1, Icr(0).set_vector(0x40)));
  page.reg(ApicRegister::InterruptCommandLow) = 0;
  CHECK(apic.broadcast_ipi(Icr(0).set_vector(0x41)));
  CHECK(Icr(page.reg(ApicRegister::InterruptCommandLow)).shorthand() ==
        Icr::Shorthand::AllExcludingSelf);
}

TEST_CASE("INIT and start-up IPIs encode their delivery modes and the start page", "[apic][ipi]") {
  using Icr = hal::InterruptCommand;
  Icr init = Icr(0).set_delivery(Icr::Delivery::Init).set_assert_level(true);
  Icr sipi = Icr(0).set_delivery(Icr::Delivery::StartUp).set_assert_level(true).set_vector(0x08);
  // SDM Vol. 3A §9.4.4.1's values (0x000C4500, 0x000C4608) without the broadcast shorthand:
  // Ember addresses each CPU by its APIC ID.
  CHECK(u32(init.raw()) == 0x4500);
  CHECK(u32(sipi.raw()) == 0x4608);  // vector 08H: the code starts at 0x8000
}
