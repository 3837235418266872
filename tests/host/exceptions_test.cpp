// Describing CPU exceptions for crash reports (hal/exceptions.hpp): names, decoded error
// codes and the register dump.
#include <algorithm>
#include <catch2/catch.hpp>
#include <string>

#include <hal/exceptions.hpp>

using namespace hal::exceptions;

namespace {

template <typename F>
std::string text(F&& f) {
  char buffer[1024];
  libk::BufferSink sink(buffer, sizeof(buffer));
  f(sink);
  return sink.c_str();
}

}  // namespace

TEST_CASE("every exception vector has a name, and the error-code vectors are the SDM's",
          "[exceptions]") {
  CHECK(std::string(info(kPageFault).mnemonic) == "#PF");
  CHECK(std::string(info(kDoubleFault).name) == "double fault");
  CHECK(std::string(info(15).name) == "reserved vector 15");
  CHECK(std::string(info(0x31).mnemonic) == "IRQ");
  int with_code = 0;
  for (u8 v = 0; v < kExceptionCount; ++v) {
    CHECK(info(v).name != nullptr);
    with_code += info(v).has_error_code;
  }
  CHECK(with_code == 10);  // #DF #TS #NP #SS #GP #PF #AC #CP #VC #SX
  CHECK(info(kGeneralProtection).has_error_code);
  CHECK_FALSE(info(kInvalidOpcode).has_error_code);
}

TEST_CASE("page-fault error codes are decoded bit by bit", "[exceptions]") {
  auto pf = [](u64 code) {
    return text([&](libk::Sink& s) { describe_page_fault(s, PageFaultError(code)); });
  };
  CHECK(pf(0) == "not-present page, read access, kernel mode");
  CHECK(pf(0b11) == "protection violation, write access, kernel mode");
  CHECK(pf(0b10101) == "protection violation, instruction fetch, user mode");
  CHECK(pf(0b1001) ==
        "protection violation, read access, kernel mode, reserved bit set in a paging entry");
  CHECK(pf(1 << 5) == "not-present page, read access, kernel mode, protection key");
}

TEST_CASE("selector error codes name the table and index", "[exceptions]") {
  auto code = [](u8 vector, u64 c) {
    return text([&](libk::Sink& s) { describe_error_code(s, vector, c); });
  };
  CHECK(code(kGeneralProtection, 0x1230) == "GDT selector index 582 (0x1230)");
  CHECK(code(kGeneralProtection, 0x1234 | 4) == "LDT selector index 582 (0x1230)");
  CHECK(code(kGeneralProtection, (13 << 3) | 2 | 1) == "IDT vector 13, external event");
  CHECK(code(kGeneralProtection, 0) == "no selector involved");
  CHECK(code(kDoubleFault, 0) == "always 0");
  CHECK(code(kAlignmentCheck, 0) == "0x0");
  CHECK(code(kInvalidOpcode, 5).empty());  // no error code for #UD
  CHECK(code(kPageFault, 2) == "not-present page, write access, kernel mode");
}

TEST_CASE("RFLAGS are printed with their flag names", "[exceptions]") {
  CHECK(text([](libk::Sink& s) { describe_rflags(s, 0x10246); }) == "0x10246 [PF ZF IF RF] IOPL=0");
  CHECK(text([](libk::Sink& s) { describe_rflags(s, 0x3002); }) == "0x3002 [] IOPL=3");
}

TEST_CASE("the register dump shows every register once", "[exceptions]") {
  hal::TrapFrame f{};
  u64* regs = &f.r15;
  for (int i = 0; i < 15; ++i) regs[i] = 0x1000 + u64(i);  // r15 .. rax
  f.rip = 0xFFFF'FFFF'8000'1234;
  f.cs = 8;
  f.ss = 0x10;
  f.rsp = 0xFFFF'FF00'0000'FF00;
  f.rflags = 0x202;
  hal::ControlRegisters cr{0x80010033, 0xDEADBEEF, 0x1000, 0x668};
  std::string dump = text([&](libk::Sink& s) { write_registers(s, f, cr); });
  CHECK(dump.find("rax=0x000000000000100e") != std::string::npos);
  CHECK(dump.find("r15=0x0000000000001000") != std::string::npos);
  CHECK(dump.find("rbp=0x0000000000001008") != std::string::npos);
  CHECK(dump.find("rip=0xffffffff80001234 cs=0x8 ss=0x10") != std::string::npos);
  CHECK(dump.find("rflags=0x202 [IF] IOPL=0") != std::string::npos);
  CHECK(dump.find("cr2=0x00000000deadbeef") != std::string::npos);
  CHECK(dump.find("cr0=0x80010033 [PE MP ET NE WP PG] cr4=0x668 [DE PAE MCE OSFXSR OSXMMEXCPT]") !=
        std::string::npos);
  CHECK(std::count(dump.begin(), dump.end(), '\n') == 9);
}
