#include <hal/exceptions.hpp>
#include <hal/registers.hpp>

namespace hal::exceptions {

namespace {

// SDM Vol. 3A §6.3.1, Table 6-1 (and AMD APM Vol. 2 §8.2 for #HV, #VC, #SX).
constexpr Info kInfo[kExceptionCount] = {
    {"#DE", "divide error", false},
    {"#DB", "debug exception", false},
    {"NMI", "non-maskable interrupt", false},
    {"#BP", "breakpoint", false},
    {"#OF", "overflow", false},
    {"#BR", "BOUND range exceeded", false},
    {"#UD", "invalid opcode", false},
    {"#NM", "device not available", false},
    {"#DF", "double fault", true},
    {"-", "coprocessor segment overrun", false},
    {"#TS", "invalid TSS", true},
    {"#NP", "segment not present", true},
    {"#SS", "stack-segment fault", true},
    {"#GP", "general protection", true},
    {"#PF", "page fault", true},
    {"-", "reserved vector 15", false},
    {"#MF", "x87 floating-point error", false},
    {"#AC", "alignment check", true},
    {"#MC", "machine check", false},
    {"#XM", "SIMD floating-point exception", false},
    {"#VE", "virtualization exception", false},
    {"#CP", "control protection exception", true},
    {"-", "reserved vector 22", false},
    {"-", "reserved vector 23", false},
    {"-", "reserved vector 24", false},
    {"-", "reserved vector 25", false},
    {"-", "reserved vector 26", false},
    {"-", "reserved vector 27", false},
    {"#HV", "hypervisor injection exception", false},
    {"#VC", "VMM communication exception", true},
    {"#SX", "security exception", true},
    {"-", "reserved vector 31", false},
};

// A named flag of a typed register: its getter (which knows the bit) and its manual name.
template <typename Register>
struct NamedBit {
  bool (Register::*get)() const;
  const char* name;
};

// "0x80010033 [PE MP ET NE WP PG]": the value and the names of its set flags, in table order.
template <typename Register, usize N>
void describe_flags(libk::Sink& out, Register value, const NamedBit<Register> (&flags)[N]) {
  libk::format_to(out, "{:#x} [", value.raw());
  bool first = true;
  for (const NamedBit<Register>& flag : flags) {
    if (!(value.*flag.get)()) continue;
    libk::format_to(out, "{}{}", first ? "" : " ", flag.name);
    first = false;
  }
  out.write("]");
}

bool uses_selector_error(u8 vector) {
  return vector == kInvalidTss || vector == kSegmentNotPresent || vector == kStackSegment ||
         vector == kGeneralProtection || vector == kDoubleFault;
}

}  // namespace

Info info(u8 vector) {
  if (vector < kExceptionCount) return kInfo[vector];
  return {"IRQ", "external interrupt", false};
}

void describe_page_fault(libk::Sink& out, PageFaultError e) {
  const char* access = e.instruction_fetch() ? "instruction fetch"
                       : e.write()           ? "write access"
                                             : "read access";
  libk::format_to(out, "{}, {}, {} mode", e.present() ? "protection violation" : "not-present page",
                  access, e.user() ? "user" : "kernel");
  if (e.reserved_bit()) out.write(", reserved bit set in a paging entry");
  if (e.protection_key()) out.write(", protection key");
  if (e.shadow_stack()) out.write(", shadow stack");
  if (e.sgx()) out.write(", SGX");
}

void describe_selector(libk::Sink& out, SelectorError e) {
  if (e.idt()) {
    libk::format_to(out, "IDT vector {}", e.index());
  } else {
    libk::format_to(out, "{} selector index {} ({:#x})", e.ldt() ? "LDT" : "GDT", e.index(),
                    e.raw() & ~u64{7});
  }
  if (e.external()) out.write(", external event");
}

void describe_error_code(libk::Sink& out, u8 vector, u64 error_code) {
  if (!info(vector).has_error_code) return;
  if (vector == kPageFault) return describe_page_fault(out, PageFaultError(error_code));
  if (uses_selector_error(vector)) {
    if (error_code == 0) {
      out.write(vector == kDoubleFault ? "always 0" : "no selector involved");
      return;
    }
    return describe_selector(out, SelectorError(error_code));
  }
  libk::format_to(out, "{:#x}", error_code);
}

void describe_rflags(libk::Sink& out, u64 rflags) {
  using R = Rflags;
  constexpr NamedBit<R> kFlags[] = {{&R::carry, "CF"},
                                    {&R::parity, "PF"},
                                    {&R::auxiliary_carry, "AF"},
                                    {&R::zero, "ZF"},
                                    {&R::sign, "SF"},
                                    {&R::trap, "TF"},
                                    {&R::interrupt_enable, "IF"},
                                    {&R::direction, "DF"},
                                    {&R::overflow, "OF"},
                                    {&R::nested_task, "NT"},
                                    {&R::resume, "RF"},
                                    {&R::virtual_8086, "VM"},
                                    {&R::alignment_check, "AC"},
                                    {&R::virtual_interrupt, "VIF"},
                                    {&R::virtual_interrupt_pending, "VIP"},
                                    {&R::id, "ID"}};
  describe_flags(out, R(rflags), kFlags);
  libk::format_to(out, " IOPL={}", R(rflags).iopl());
}

void describe_cr0(libk::Sink& out, u64 cr0) {
  constexpr NamedBit<Cr0> kFlags[] = {{&Cr0::pe, "PE"}, {&Cr0::mp, "MP"}, {&Cr0::em, "EM"},
                                      {&Cr0::ts, "TS"}, {&Cr0::et, "ET"}, {&Cr0::ne, "NE"},
                                      {&Cr0::wp, "WP"}, {&Cr0::am, "AM"}, {&Cr0::nw, "NW"},
                                      {&Cr0::cd, "CD"}, {&Cr0::pg, "PG"}};
  describe_flags(out, Cr0(cr0), kFlags);
}

void describe_cr4(libk::Sink& out, u64 cr4) {
  constexpr NamedBit<Cr4> kFlags[] = {{&Cr4::vme, "VME"},
                                      {&Cr4::pvi, "PVI"},
                                      {&Cr4::tsd, "TSD"},
                                      {&Cr4::de, "DE"},
                                      {&Cr4::pse, "PSE"},
                                      {&Cr4::pae, "PAE"},
                                      {&Cr4::mce, "MCE"},
                                      {&Cr4::pge, "PGE"},
                                      {&Cr4::pce, "PCE"},
                                      {&Cr4::osfxsr, "OSFXSR"},
                                      {&Cr4::osxmmexcpt, "OSXMMEXCPT"},
                                      {&Cr4::umip, "UMIP"},
                                      {&Cr4::la57, "LA57"},
                                      {&Cr4::vmxe, "VMXE"},
                                      {&Cr4::fsgsbase, "FSGSBASE"},
                                      {&Cr4::pcide, "PCIDE"},
                                      {&Cr4::osxsave, "OSXSAVE"},
                                      {&Cr4::smep, "SMEP"},
                                      {&Cr4::smap, "SMAP"},
                                      {&Cr4::pke, "PKE"},
                                      {&Cr4::cet, "CET"}};
  describe_flags(out, Cr4(cr4), kFlags);
}

void write_registers(libk::Sink& out, const TrapFrame& f, const ControlRegisters& cr) {
  libk::format_to(out, "  rax={:#018x} rbx={:#018x} rcx={:#018x}\n", f.rax, f.rbx, f.rcx);
  libk::format_to(out, "  rdx={:#018x} rsi={:#018x} rdi={:#018x}\n", f.rdx, f.rsi, f.rdi);
  libk::format_to(out, "  rbp={:#018x} rsp={:#018x} r8 ={:#018x}\n", f.rbp, f.rsp, f.r8);
  libk::format_to(out, "  r9 ={:#018x} r10={:#018x} r11={:#018x}\n", f.r9, f.r10, f.r11);
  libk::format_to(out, "  r12={:#018x} r13={:#018x} r14={:#018x}\n", f.r12, f.r13, f.r14);
  libk::format_to(out, "  r15={:#018x} rip={:#018x} cs={:#x} ss={:#x}\n", f.r15, f.rip, f.cs, f.ss);
  out.write("  rflags=");
  describe_rflags(out, f.rflags);
  out.write("\n");
  libk::format_to(out, "  cr0={:#018x} cr2={:#018x} cr3={:#018x} cr4={:#018x}\n", cr.cr0, cr.cr2,
                  cr.cr3, cr.cr4);
  out.write("  cr0=");
  describe_cr0(out, cr.cr0);
  out.write(" cr4=");
  describe_cr4(out, cr.cr4);
  out.write("\n");
}

}  // namespace hal::exceptions
