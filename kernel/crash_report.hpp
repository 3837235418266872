// Crash reports for CPU exceptions: what happened (vector, decoded error code, CR2 and what
// lies there), where (symbolized RIP), the registers and a symbolized backtrace. Written
// line by line through the kernel log, so they reach every log sink (serial today, the
// screen with the console).
//
// Context: exception handlers, possibly on an IST stack, interrupts disabled.
#pragma once

#include <hal/trap_frame.hpp>
#include <libk/format.hpp>

#include "log.hpp"

namespace kernel::crash {

// Describes the faulting address of a page fault, after "faulting address (cr2) 0x...: ".
// The VM code registers one that knows guard pages, mappings and permissions; the default
// checks the stacks registered below and the live page tables.
using PageFaultDescriber = void (*)(libk::Sink& out, u64 address, u64 error_code);
void set_page_fault_describer(PageFaultDescriber describer);  // nullptr: the default
void describe_page_fault_default(libk::Sink& out, u64 address, u64 error_code);

// A stack the reporter knows about. With `guard_below`, the page under `bottom` is an
// unmapped guard page, and a fault there is an overflow of this stack.
struct KnownStack {
  const char* name;
  u64 bottom;
  u64 top;
  bool guard_below;
};

// Records a stack (up to 16). Context: boot sequence, or with interrupts disabled.
void register_stack(const char* name, u64 bottom, u64 top, bool guard_below);

// Stacks too many or too short-lived for the table (thread stacks): a finder fills `out`
// with the guarded stack whose guard page or body holds `address`, i.e. address in
// [bottom - 4 KiB, top), and returns true. `out.name` must stay valid until the next call.
// The scheduler registers one. Context: called from crash reports only.
using StackFinder = bool (*)(u64 address, KnownStack& out);
void set_stack_finder(StackFinder finder);

// The registered (or found) stack whose guard page holds `address`, if any.
const KnownStack* guard_page_owner(u64 address);

// The registered (or found) stack holding `address`, if any.
const KnownStack* stack_containing(u64 address);

// The stack that overflowed, judging by the fault address and the interrupted stack pointer.
const KnownStack* overflowed_stack(const hal::TrapFrame& frame, const hal::ControlRegisters& cr);

hal::ControlRegisters read_control_registers();

// Writes the full report at `level`.
void report(const hal::TrapFrame& frame, const hal::ControlRegisters& cr, log::Level level);

// A sink that hands each complete line to the log at one level.
class LogLineSink final : public libk::Sink {
 public:
  explicit LogLineSink(log::Level level) : level_(level) {}
  ~LogLineSink() { flush(); }
  void write(libk::StringView text) override;
  void flush();

 private:
  log::Level level_;
  char line_[160];
  usize length_ = 0;
};

}  // namespace kernel::crash
