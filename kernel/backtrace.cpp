#include "backtrace.hpp"

#include <hal/cpu.hpp>
#include <hal/stack_walk.hpp>
#include <libk/demangle.hpp>

#include "memory_probe.hpp"
#include "symbols.hpp"

namespace kernel::backtrace {

namespace {

constexpr usize kMaxWalk = 256;  // frames followed (recursion can make many)

class MappedMemoryReader final : public hal::StackReader {
 public:
  bool read_u64(u64 address, u64& value) override {
    if (!memory_probe::mapped(address, sizeof(u64))) return false;
    value = *reinterpret_cast<const volatile u64*>(address);
    return true;
  }
};

void write_frame(libk::Sink& out, usize index, u64 address, bool return_address) {
  libk::format_to(out, "  #{} {:#018x} ", index, address);
  // A return address follows the call: look up the call itself, which matters when the call
  // is the last instruction of its function (a call to a [[noreturn]] function).
  if (return_address && address > 0) {
    auto r = symbols::resolve(address - 1);
    if (r) {
      libk::write_symbol_name(out, r->name);
      libk::format_to(out, "+{:#x}\n", address - r->address);
      return;
    }
  }
  symbols::write(out, address);
  out.write("\n");
}

// Prints up to kMaxFrames lines; a run of identical return addresses (recursion) is printed
// once with a repeat count, so that the outer frames still show after a deep recursion.
void write_trace(libk::Sink& out, u64 first, u64 rbp) {
  u64 frames[kMaxWalk];
  bool truncated = false;
  usize count = capture(rbp, frames, &truncated);
  write_frame(out, 0, first, false);
  usize lines = 1;
  for (usize i = 0; i < count && lines < kMaxFrames; ++lines) {
    write_frame(out, i + 1, frames[i], true);
    usize same = 1;
    while (i + same < count && frames[i + same] == frames[i]) ++same;
    if (same > 1) libk::format_to(out, "  ... the frame above repeats {} more times\n", same - 1);
    i += same;
  }
  if (truncated || lines == kMaxFrames) out.write("  ... (more frames)\n");
}

}  // namespace

usize capture(u64 rbp, libk::Span<u64> out, bool* truncated) {
  MappedMemoryReader reader;
  hal::StackWalk walk = hal::walk_frame_pointers(rbp, reader, out);
  if (truncated) *truncated = walk.truncated;
  return walk.count;
}

void write(libk::Sink& out, u64 rip, u64 rbp) { write_trace(out, rip, rbp); }

}  // namespace kernel::backtrace
