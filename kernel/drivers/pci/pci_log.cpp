#include "drivers/pci/pci_log.hpp"

#include <ids/ids_tables.hpp>

#include "log.hpp"

namespace kernel::pci {

namespace {

using libk::ids::generated::kPciIds;
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

// The most specific of the class names: the programming interface is shown in brackets
// after the subclass ("USB controller (XHCI)"), as lspci -nn does.
void describe_class(libk::Sink& out, const libk::pci::Header& h) {
  libk::ids::Name sub = libk::ids::subclass_name(kPciIds, h.class_code, h.subclass);
  libk::ids::Name cls = libk::ids::class_name(kPciIds, h.class_code);
  if (sub.found())
    sub.write(out);
  else if (cls.found())
    cls.write(out);
  else
    out.write("Class");
  libk::format_to(out, " [{:02x}{:02x}]", h.class_code, h.subclass);
}

void describe_msix(libk::Sink& out, const libk::pci::MsixInfo& m) {
  libk::format_to(out, " ({} entries, table in BAR {} at {:#x})", m.table_size, m.table_bar,
                  m.table_offset);
}

}  // namespace

void describe(libk::Sink& out, const Device& d) {
  const libk::pci::Header& h = d.header;
  libk::format_to(out, "{} ", d.address);
  describe_class(out, h);
  out.write(": ");
  libk::ids::Name vendor = libk::ids::vendor(kPciIds, h.vendor);
  libk::ids::Name device = libk::ids::device(kPciIds, h.vendor, h.device);
  if (vendor.found())
    libk::format_to(out, "{} ", vendor);
  else
    out.write("Vendor ");
  if (device.found())
    libk::format_to(out, "{} ", device);
  else
    out.write("Device ");
  libk::format_to(out, "[{:04x}:{:04x}]", h.vendor, h.device);
  if (libk::ids::Name iface =
          libk::ids::interface_name(kPciIds, h.class_code, h.subclass, h.prog_if);
      iface.found())
    libk::format_to(out, " ({})", iface);
  if (h.revision) libk::format_to(out, " (rev {:02x})", h.revision);
}

void describe_bar(libk::Sink& out, const Device& d, u8 index) {
  const libk::pci::Bar& bar = d.bars[index];
  if (bar.kind == BarKind::Unused) return;
  libk::format_to(out, "BAR {}: {} at {:#x} ({}{})", index, bar_kind(bar), bar.address,
                  libk::ByteSize{bar.size}, bar.prefetchable ? ", prefetchable" : "");
}

void describe_interrupts(libk::Sink& out, const Device& d) {
  out.write("interrupts: ");
  if (d.interrupt_mode != InterruptMode::None) {
    libk::format_to(out, "{}, {} vector{} from {:#x}", interrupt_mode_name(d.interrupt_mode),
                    d.vector_count, d.vector_count == 1 ? "" : "s", d.first_vector);
  } else {
    out.write("none");
    if (d.msix || d.msi)
      libk::format_to(out, " ({}{}{} offered)", d.msix ? "MSI-X" : "", d.msix && d.msi ? ", " : "",
                      d.msi ? "MSI" : "");
  }
  if (d.driver) libk::format_to(out, "; driver {}", d.driver);
}

void describe_capabilities(libk::Sink& out, const Device& d, libk::StringView indent) {
  const libk::pci::CapabilityList& caps = d.capabilities;
  for (const libk::pci::Capability& c : caps.standard) {
    const char* name = libk::pci::capability_name(c.id);
    libk::format_to(out, "{}[{:02x}] {}", indent, c.offset, name ? name : "capability");
    if (!name) libk::format_to(out, " {:#04x}", c.id);
    if (c.id == libk::pci::cap::kMsix && d.msix) describe_msix(out, *d.msix);
    if (c.id == libk::pci::cap::kMsi && d.msi)
      libk::format_to(out, " (up to {} vectors, {}-bit)", 1u << d.msi->vectors_log2,
                      d.msi->address64 ? 64 : 32);
    out.write("\n");
  }
  for (const libk::pci::ExtendedCapability& c : caps.extended) {
    const char* name = libk::pci::extended_capability_name(c.id);
    libk::format_to(out, "{}[{:03x}] {}", indent, c.offset, name ? name : "extended capability");
    if (!name) libk::format_to(out, " {:#06x}", c.id);
    libk::format_to(out, " (version {})\n", c.version);
  }
  if (caps.standard_problem != libk::pci::CapabilityProblem::None)
    libk::format_to(out, "{}{}\n", indent,
                    libk::pci::capability_problem_text(caps.standard_problem));
  if (caps.extended_problem != libk::pci::CapabilityProblem::None)
    libk::format_to(out, "{}extended: {}\n", indent,
                    libk::pci::capability_problem_text(caps.extended_problem));
}

void log_function(const Device& d) {
  libk::FixedString<200> line;
  describe(line.sink(), d);
  log::debug("pci: {}", line.view());
  for (u8 i = 0; i < d.header.bar_count; ++i) {
    if (d.bars[i].kind == BarKind::Unused) continue;
    libk::FixedString<120> bar;
    describe_bar(bar.sink(), d, i);
    log::debug("pci:   {}", bar.view());
  }
}

}  // namespace kernel::pci
