// `test=acpi.dump`: prints the firmware's ACPI tables as hex on serial, for
// tools/capture_acpi.py, which turns them into the host tests' data (tests/data/acpi/).
// The DSDT, which only the FADT points at, is dumped after the FADT. A manual test: it
// checks nothing beyond finding the tables.
//
//   ACPI-DUMP TABLE <signature> <physical address> <length>
//   ACPI-DUMP DATA <up to 32 bytes as hex>
//   ACPI-DUMP END
#include <libk/acpi.hpp>

#include "acpi.hpp"
#include "boot.hpp"
#include "ktest.hpp"
#include "log.hpp"

namespace kernel {

namespace {

void dump(libk::StringView signature, u64 address, libk::Bytes bytes) {
  libk::Sink& out = log::serial();
  libk::format_to(out, "ACPI-DUMP TABLE {} {:#018x} {}\n", signature, address, bytes.size());
  for (usize line = 0; line < bytes.size(); line += 32) {
    out.write("ACPI-DUMP DATA ");
    for (usize i = line; i < bytes.size() && i < line + 32; ++i)
      libk::format_to(out, "{:02x}", bytes[i]);
    out.write("\n");
  }
}

// The DSDT the FADT names (X_DSDT at offset 140 if present and non-zero, else DSDT at 40).
void dump_dsdt(libk::Bytes fadt, u64* seen, usize& count) {
  u64 address = fadt.size() >= 148 ? libk::load_le<u64>(fadt.data() + 140) : 0;
  if (address == 0 && fadt.size() >= 44) address = libk::load_le<u32>(fadt.data() + 40);
  for (usize i = 0; i < count; ++i)
    if (seen[i] == address) return;
  if (address == 0 || count == 64) return;
  seen[count++] = address;
  libk::acpi::Diagnostics diag;
  auto dsdt = libk::acpi::read_table(acpi::memory(), address, "DSDT", diag);
  if (dsdt) dump("DSDT", address, dsdt.value());
}

// Dumps the root table at `address` and every table it lists (4- or 8-byte pointers).
void dump_root(libk::StringView signature, u64 address, u32 entry_size, u64* seen, usize& count) {
  libk::acpi::Diagnostics diag;
  auto root = libk::acpi::read_table(acpi::memory(), address, signature, diag);
  if (!root) return;
  dump(signature, address, root.value());
  libk::Bytes body = root.value();
  for (usize off = sizeof(libk::acpi::SdtHeader); off + entry_size <= body.size();
       off += entry_size) {
    const u8* p = body.data() + off;
    u64 table = entry_size == 8 ? libk::load_le<u64>(p) : libk::load_le<u32>(p);
    bool known = false;
    for (usize i = 0; i < count; ++i) known |= seen[i] == table;
    if (known || count == 64) continue;
    seen[count++] = table;
    auto bytes = libk::acpi::read_table(acpi::memory(), table, {}, diag);
    if (!bytes) continue;
    libk::StringView sig(reinterpret_cast<const char*>(bytes.value().data()), 4);
    dump(sig, table, bytes.value());
    if (sig == "FACP") dump_dsdt(bytes.value(), seen, count);
  }
}

}  // namespace

KTEST_MANUAL("acpi.dump") {
  u64 rsdp_address = boot_info::get().rsdp;
  libk::Bytes rsdp = acpi::memory().read(rsdp_address, sizeof(libk::acpi::Rsdp));
  if (!KEXPECT(!rsdp.empty())) return;
  u8 revision = rsdp[15];
  dump("RSDP", rsdp_address, rsdp.subspan(0, revision >= 2 ? 36 : 20));
  u64 seen[64];
  usize count = 0;
  if (revision >= 2 && libk::load_le<u64>(rsdp.data() + 24) != 0)
    dump_root("XSDT", libk::load_le<u64>(rsdp.data() + 24), 8, seen, count);
  if (libk::load_le<u32>(rsdp.data() + 16) != 0)
    dump_root("RSDT", libk::load_le<u32>(rsdp.data() + 16), 4, seen, count);
  log::serial().write("ACPI-DUMP END\n");
  KEXPECT(count > 0);
}

}  // namespace kernel
