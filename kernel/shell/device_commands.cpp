// Commands that list devices: lspci.
#include "drivers/pci/pci.hpp"
#include "drivers/pci/pci_log.hpp"
#include "shell/commands.hpp"

namespace kernel::shell {

namespace {

void print_function(libk::Sink& out, const pci::Device& d, bool verbose) {
  pci::describe(out, d);
  out.write("\n");
  for (u8 i = 0; i < d.header.bar_count; ++i) {
    if (d.bars[i].kind == libk::pci::BarKind::Unused) continue;
    out.write("    ");
    pci::describe_bar(out, d, i);
    out.write("\n");
  }
  out.write("    ");
  pci::describe_interrupts(out, d);
  out.write("\n");
  if (verbose) pci::describe_capabilities(out, d, "    ");
}

}  // namespace

Status cmd_lspci(const Invocation& call) {
  bool verbose = false;
  for (libk::StringView arg : call.args) {
    if (arg != "-v") {
      libk::format_to(call.out, "lspci: unknown option '{}' (-v shows capabilities)\n", arg);
      return Status::BadArguments;
    }
    verbose = true;
  }
  if (!pci::mechanism()) {
    call.out.write("lspci: no PCI configuration mechanism\n");
    return Status::Failed;
  }
  for (const pci::Device& d : pci::devices()) print_function(call.out, d, verbose);
  libk::format_to(call.out, "{} functions, configuration space through {}\n", pci::devices().size(),
                  pci::mechanism());
  return Status::Ok;
}

}  // namespace kernel::shell
