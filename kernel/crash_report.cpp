#include "crash_report.hpp"

#include <hal/cpu.hpp>
#include <hal/exceptions.hpp>
#include <libk/fixed_vector.hpp>

#include "backtrace.hpp"
#include "memory_probe.hpp"
#include "symbols.hpp"

namespace kernel::crash {

namespace {

using hal::exceptions::kDoubleFault;
using hal::exceptions::kPageFault;

constinit PageFaultDescriber describer = nullptr;
constinit libk::FixedVector<KnownStack, 16> stacks;
constinit StackFinder finder = nullptr;
constinit KnownStack found{};  // what the finder found last (crash reports run one at a time)

const KnownStack* find_dynamic(u64 address) {
  return finder && finder(address, found) ? &found : nullptr;
}

void describe_mapping(libk::Sink& out, u64 address, u64 error_code) {
  auto t = memory_probe::translate(address);
  if (!t) {
    out.write(hal::paging::is_canonical(address) ? "not mapped" : "non-canonical address");
    return;
  }
  hal::exceptions::PageFaultError e(error_code);
  libk::format_to(out, "mapped to physical {:#x} ({}{}{})", t->physical,
                  t->flags & hal::paging::kWritable ? "writable" : "read-only",
                  t->flags & hal::paging::kNoExecute ? ", no-execute" : ", executable",
                  t->flags & hal::paging::kUser ? ", user" : "");
  if (e.present() && e.write() && !(t->flags & hal::paging::kWritable))
    out.write(": write to a read-only page");
  else if (e.present() && e.instruction_fetch() && (t->flags & hal::paging::kNoExecute))
    out.write(": instruction fetch from a no-execute page");
}

void write_headline(libk::Sink& out, const hal::TrapFrame& f) {
  auto info = hal::exceptions::info(u8(f.vector));
  libk::format_to(out, "==== CPU exception {} ({}, vector {}) ====\n", info.mnemonic, info.name,
                  f.vector);
  if (info.has_error_code) {
    libk::format_to(out, "error code {:#x}: ", f.error_code);
    hal::exceptions::describe_error_code(out, u8(f.vector), f.error_code);
    out.write("\n");
  }
}

void write_fault_details(libk::Sink& out, const hal::TrapFrame& f,
                         const hal::ControlRegisters& cr) {
  if (f.vector == kPageFault) {
    libk::format_to(out, "faulting address (cr2) {:#018x}: ", cr.cr2);
    (describer ? describer : describe_page_fault_default)(out, cr.cr2, f.error_code);
    out.write("\n");
  }
  if (const KnownStack* s = overflowed_stack(f, cr)) {
    libk::format_to(out, "kernel stack overflow: the {} [{:#x}, {:#x}) ran into its guard page\n",
                    s->name, s->bottom, s->top);
  }
  if (const KnownStack* s = stack_containing(f.rsp))
    libk::format_to(out, "interrupted code was running on the {}\n", s->name);
}

}  // namespace

void set_page_fault_describer(PageFaultDescriber d) { describer = d; }

void describe_page_fault_default(libk::Sink& out, u64 address, u64 error_code) {
  if (const KnownStack* s = guard_page_owner(address)) {
    libk::format_to(out, "guard page below the {} (stack overflow)", s->name);
    return;
  }
  describe_mapping(out, address, error_code);
}

void register_stack(const char* name, u64 bottom, u64 top, bool guard_below) {
  bool added = stacks.push_back({name, bottom, top, guard_below});
  // The registry is sized for the stacks the boot sequence registers; one more is a bug, and
  // a stack the crash report could not name would go unnoticed until it overflowed.
  VERIFY(added);
}

void set_stack_finder(StackFinder f) { finder = f; }

const KnownStack* guard_page_owner(u64 address) {
  for (const KnownStack& s : stacks) {
    if (s.guard_below && address < s.bottom && s.bottom - address <= libk::kPageSize) return &s;
  }
  const KnownStack* s = find_dynamic(address);
  return s && address < s->bottom ? s : nullptr;
}

const KnownStack* stack_containing(u64 address) {
  for (const KnownStack& s : stacks)
    if (address >= s.bottom && address < s.top) return &s;
  const KnownStack* s = find_dynamic(address);
  return s && address >= s->bottom ? s : nullptr;
}

const KnownStack* overflowed_stack(const hal::TrapFrame& f, const hal::ControlRegisters& cr) {
  if (f.vector != kDoubleFault && f.vector != kPageFault) return nullptr;
  if (const KnownStack* s = guard_page_owner(cr.cr2)) return s;
  if (f.vector != kDoubleFault) return nullptr;
  // A #DF's saved RSP is that of the code whose stack could not take the #PF frame: at (or
  // just above) the bottom of its stack, or already in the guard page.
  constexpr u64 kSlack = 256;
  for (const KnownStack& s : stacks) {
    if (s.guard_below && f.rsp + libk::kPageSize >= s.bottom && f.rsp <= s.bottom + kSlack)
      return &s;
  }
  const KnownStack* s = find_dynamic(f.rsp);
  return s && f.rsp <= s->bottom + kSlack ? s : nullptr;
}

hal::ControlRegisters read_control_registers() {
  return {hal::cpu::read_cr0(), hal::cpu::read_cr2(), hal::cpu::read_cr3(), hal::cpu::read_cr4()};
}

void report(const hal::TrapFrame& f, const hal::ControlRegisters& cr, log::Level level) {
  LogLineSink out(level);
  write_headline(out, f);
  write_fault_details(out, f, cr);
  libk::format_to(out, "at rip {:#018x} ", f.rip);
  symbols::write(out, f.rip);
  out.write("\n");
  hal::exceptions::write_registers(out, f, cr);
  out.write("backtrace:\n");
  backtrace::write(out, f.rip, f.rbp);
  out.write("==== end of crash report ====\n");
}

void LogLineSink::write(libk::StringView text) {
  for (char c : text) {
    if (c == '\n') {
      flush();
      continue;
    }
    if (length_ == sizeof(line_)) flush();
    line_[length_++] = c;
  }
}

void LogLineSink::flush() {
  if (length_ == 0) return;
  log::write(level_, {line_, length_});
  length_ = 0;
}

}  // namespace kernel::crash
