#include <hal/exceptions.hpp>

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

struct Flag {
  u8 bit;
  const char* name;
};

void describe_flags(libk::Sink& out, u64 value, const Flag* flags, usize count) {
  libk::format_to(out, "{:#x} [", value);
  bool first = true;
  for (usize i = 0; i < count; ++i) {
    if (!(value >> flags[i].bit & 1)) continue;
    libk::format_to(out, "{}{}", first ? "" : " ", flags[i].name);
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
                    e.raw & ~u64{7});
  }
  if (e.external()) out.write(", external event");
}

void describe_error_code(libk::Sink& out, u8 vector, u64 error_code) {
  if (!info(vector).has_error_code) return;
  if (vector == kPageFault) return describe_page_fault(out, {error_code});
  if (uses_selector_error(vector)) {
    if (error_code == 0) {
      out.write(vector == kDoubleFault ? "always 0" : "no selector involved");
      return;
    }
    return describe_selector(out, {error_code});
  }
  libk::format_to(out, "{:#x}", error_code);
}

void describe_rflags(libk::Sink& out, u64 rflags) {
  constexpr Flag kFlags[] = {{0, "CF"},  {2, "PF"},   {4, "AF"},   {6, "ZF"},
                             {7, "SF"},  {8, "TF"},   {9, "IF"},   {10, "DF"},
                             {11, "OF"}, {14, "NT"},  {16, "RF"},  {17, "VM"},
                             {18, "AC"}, {19, "VIF"}, {20, "VIP"}, {21, "ID"}};
  describe_flags(out, rflags, kFlags, libk::array_size(kFlags));
  libk::format_to(out, " IOPL={}", rflags >> 12 & 3);
}

void describe_cr0(libk::Sink& out, u64 cr0) {
  constexpr Flag kFlags[] = {{0, "PE"},  {1, "MP"},  {2, "EM"},  {3, "TS"},  {4, "ET"}, {5, "NE"},
                             {16, "WP"}, {18, "AM"}, {29, "NW"}, {30, "CD"}, {31, "PG"}};
  describe_flags(out, cr0, kFlags, libk::array_size(kFlags));
}

void describe_cr4(libk::Sink& out, u64 cr4) {
  constexpr Flag kFlags[] = {
      {0, "VME"},   {1, "PVI"},   {2, "TSD"},       {3, "DE"},     {4, "PSE"},         {5, "PAE"},
      {6, "MCE"},   {7, "PGE"},   {8, "PCE"},       {9, "OSFXSR"}, {10, "OSXMMEXCPT"}, {11, "UMIP"},
      {12, "LA57"}, {13, "VMXE"}, {16, "FSGSBASE"}, {17, "PCIDE"}, {18, "OSXSAVE"},    {20, "SMEP"},
      {21, "SMAP"}, {22, "PKE"},  {23, "CET"}};
  describe_flags(out, cr4, kFlags, libk::array_size(kFlags));
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
