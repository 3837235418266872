// The boot-time audit of the kernel's own page tables (docs/memory.md, "W^X"): whatever built
// them, no page may be writable and executable, and no kernel page reachable from user mode.
#include <hal/paging_audit.hpp>
#include <hal/registers.hpp>

#include "log.hpp"
#include "memory/kernel_tables.hpp"
#include "memory/vm.hpp"
#include "panic.hpp"

namespace kernel::vm {

namespace {

const char* size_name(hal::paging::PageSize s) {
  using hal::paging::PageSize;
  return s == PageSize::Size1G ? "1 GiB" : s == PageSize::Size2M ? "2 MiB" : "4 KiB";
}

}  // namespace

void audit_page_tables() {
  detail::PmmTableMemory tables;  // only reads: the walk allocates nothing
  auto result = hal::paging::audit_tables(tables, hal::Cr3::read().base());
  if (result.finding) {
    const hal::paging::Leaf& leaf = result.finding->leaf;
    PANIC("vm: page-table audit: {:#x} ({} page, frame {:#x}) is {}", leaf.virt,
          size_name(leaf.size), leaf.physical,
          hal::paging::audit_problem_text(result.finding->problem));
  }
  log::info(
      "vm: page-table audit: {} leaves, none writable and executable, none user-accessible in "
      "the kernel half",
      result.leaves);
}

}  // namespace kernel::vm
