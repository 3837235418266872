#include "drivers/pci/pci_log.hpp"

#include "log.hpp"

namespace kernel::pci {

namespace {

using libk::pci::BarKind;

const char* bar_kind(const libk::pci::Bar& bar) {
  switch (bar.kind) {
    case BarKind::Io: return "I/O ports";
    case BarKind::Memory32: return "memory, 32-bit";
    case BarKind::Memory64: return "memory, 64-bit";
    case BarKind::Unused: break;
  }
  return "unused";
}

}  // namespace

void describe(libk::Sink& out, const Device& d) {
  const libk::pci::Header& h = d.header;
  libk::format_to(out, "{} {:04x}:{:04x} [{:02x}{:02x}.{:02x}]", d.address, h.vendor, h.device,
                  h.class_code, h.subclass, h.prog_if);
}

void describe_bar(libk::Sink& out, const Device& d, u8 index) {
  const libk::pci::Bar& bar = d.bars[index];
  if (bar.kind == BarKind::Unused) return;
  libk::format_to(out, "BAR {}: {} at {:#x} ({}{})", index, bar_kind(bar), bar.address,
                  libk::ByteSize{bar.size}, bar.prefetchable ? ", prefetchable" : "");
}

void log_function(const Device& d) {
  libk::FixedString<200> line;
  describe(line.sink(), d);
  log::info("pci: {}", line.view());
  for (u8 i = 0; i < d.header.bar_count; ++i) {
    if (d.bars[i].kind == BarKind::Unused) continue;
    libk::FixedString<120> bar;
    describe_bar(bar.sink(), d, i);
    log::debug("pci:   {}", bar.view());
  }
}

}  // namespace kernel::pci
