// Commands that report the machine and the kernel's state: mem, dmesg, cpuinfo, acpi.
#include <hal/cpu_features.hpp>
#include <libk/acpi_fadt.hpp>

#include "acpi.hpp"
#include "cpu/info.hpp"
#include "log.hpp"
#include "memory/heap.hpp"
#include "memory/pmm.hpp"
#include "memory/stacks.hpp"
#include "power.hpp"
#include "shell/commands.hpp"

namespace kernel::shell {

namespace {

using libk::ByteSize;
using libk::format_to;

void pad(libk::Sink& out, usize used, usize width) {
  for (usize i = used; i < width; ++i) out.put(' ');
}

void print_frames(libk::Sink& out) {
  auto s = pmm::stats();
  u64 pool = s.free_frames + s.allocated_frames;
  format_to(out, "frames: {} of 4 KiB ({}): {} in use ({}), {} free ({})\n", pool,
            ByteSize{pool * libk::kPageSize}, s.allocated_frames,
            ByteSize{s.allocated_frames * libk::kPageSize}, s.free_frames,
            ByteSize{s.free_frames * libk::kPageSize});
  out.write("  in use by:");
  for (u32 o = 0; o < u32(pmm::Owner::Count); ++o)
    if (u64 pages = pmm::pages_owned_by(pmm::Owner(o)))
      format_to(out, " {} {},", pmm::owner_name(pmm::Owner(o)), ByteSize{pages * libk::kPageSize});
  format_to(out, " cached {} frames\n", s.cached_frames);
  out.write("  free blocks per order:");
  for (u32 order = 0; order < libk::BuddyAllocator::kOrders; ++order)
    if (s.free_blocks[order]) format_to(out, " {}:{}", order, s.free_blocks[order]);
  format_to(out, "\n  {} allocations, {} frees, {} failures\n", s.allocations, s.frees, s.failures);
}

void print_heap(libk::Sink& out) {
  out.write("heap cache        size   in use    peak   slabs  allocations\n");
  for (usize i = 0; i < heap::caches().size(); ++i) {
    const libk::SlabCache& c = heap::caches()[i];
    libk::SlabStats st = heap::cache_stats(i);
    libk::StringView name(c.name());
    format_to(out, "  {}", name);
    pad(out, name.size() + 2, 16);
    format_to(out, "{:>6} {:>8} {:>7} {:>7} {:>12}\n", c.object_size(), st.in_use, st.peak_in_use,
              st.slabs, st.allocations);
  }
  heap::LargeStats large = heap::large_stats();
  format_to(out, "  large blocks: {} live ({}), peak {}, {} allocations\n", large.live_blocks,
            ByteSize{large.live_bytes}, ByteSize{large.peak_bytes}, large.allocations);
  stacks::Stats st = stacks::stats();
  format_to(out, "stacks: {} live ({}), peak {}\n", st.live, ByteSize{st.bytes}, st.peak);
}

}  // namespace

Status cmd_mem(const Invocation& call) {
  print_frames(call.out);
  print_heap(call.out);
  return Status::Ok;
}

Status cmd_dmesg(const Invocation& call) {
  u64 count = ~u64{0};
  if (!call.args.empty() && !parse_count(call, call.args[0], count)) return Status::BadArguments;
  u64 first = log::first_sequence(), next = log::next_sequence();
  if (next - first > count) first = next - count;
  static char text[libk::LogRing::kMaxText];  // shell thread only
  for (u64 seq = first; seq < next; ++seq) {
    libk::LogRecord record;
    if (log::read(seq, record, text, sizeof(text))) log::format_record(call.out, record);
  }
  return Status::Ok;
}

Status cmd_cpuinfo(const Invocation& call) {
  const hal::CpuInfo& info = cpu::info();
  const hal::CpuidSnapshot& leaves = cpu::cpuid();
  format_to(call.out, "vendor:   {}\nmodel:    family {:#x} model {:#x} stepping {}\n", info.vendor,
            info.family, info.model, info.stepping);
  format_to(call.out, "brand:    {}\n", leaves.brand[0] ? leaves.brand : "(not reported)");
  call.out.write("features:");
  usize column = 9;
  hal::for_each_feature(leaves, [&](libk::StringView name) {
    if (column + 1 + name.size() > 78) {
      call.out.write("\n         ");
      column = 9;
    }
    format_to(call.out, " {}", name);
    column += 1 + name.size();
  });
  call.out.put('\n');
  return Status::Ok;
}

namespace {

void print_register(libk::Sink& out, libk::StringView what, const libk::acpi::GenericAddress& r) {
  if (r.address == 0) return format_to(out, "  {}: none\n", what);
  format_to(out, "  {}: {} {:#x}, {} bits\n", what,
            r.address_space == libk::acpi::kAddressSpaceIo ? "port" : "memory", r.address,
            r.bit_width);
}

}  // namespace

Status cmd_acpi(const Invocation& call) {
  const libk::acpi::Tables* t = acpi::tables();
  if (!t) {
    call.out.write("acpi: no usable ACPI tables\n");
    return Status::Failed;
  }
  format_to(call.out, "{} at {:#x}, OEM \"{}\", RSDP revision {}\n", t->xsdt ? "XSDT" : "RSDT",
            t->root_address, t->oem_id, t->rsdp_revision);
  for (const libk::acpi::TableRef& ref : t->tables)
    format_to(call.out, "  {} at {:#018x}  {:>6} bytes  revision {}\n", ref.signature, ref.address,
              ref.length, ref.revision);
  if (const libk::acpi::Fadt* f = acpi::fadt()) {
    format_to(call.out, "FADT: revision {}, DSDT at {:#x}, SCI IRQ {}\n", f->revision, f->dsdt,
              f->sci_interrupt);
    print_register(call.out, "PM1a control", f->pm1a_control);
    print_register(call.out, "PM1b control", f->pm1b_control);
    if (f->reset_valid)
      print_register(call.out, "reset register", f->reset_register);
    else
      call.out.write("  reset register: not offered\n");
  }
  if (auto s5 = power::s5_sleep_type())
    format_to(call.out, "\\_S5: SLP_TYPa {}, SLP_TYPb {}\n", s5->a, s5->b);
  else
    format_to(call.out, "\\_S5: {}\n", power::s5_problem());
  return Status::Ok;
}

}  // namespace kernel::shell
