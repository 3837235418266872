// libFuzzer harness for the ACPI table parser (libk/acpi*.hpp).
//
// Input: a little-endian u64 RSDP address, then an image of physical memory starting at
// kBase. discover() walks it from the RSDP and every table found is parsed; the image is also
// parsed directly as a MADT, HPET, FADT and MCFG. Seeds: the q35 and pc captures laid out at their
// real addresses, and the q35 MADT alone (tests/fuzz/corpus/acpi/).
#include <cstring>

#include <libk/acpi.hpp>
#include <libk/acpi_fadt.hpp>
#include <libk/acpi_hpet.hpp>
#include <libk/acpi_madt.hpp>
#include <libk/acpi_mcfg.hpp>

namespace {

constexpr u64 kBase = 0x1f77'0000;

class ImageMemory final : public libk::acpi::PhysicalMemory {
 public:
  ImageMemory(const u8* data, size_t size) : data_(data), size_(size) {}
  libk::Bytes read(u64 address, u64 length) override {
    if (address < kBase || address - kBase > size_ || length > size_ - (address - kBase)) return {};
    return {data_ + (address - kBase), length};
  }

 private:
  const u8* data_;
  size_t size_;
};

void parse_all(libk::Bytes table, libk::acpi::Diagnostics& diag) {
  static libk::acpi::Madt madt;  // 4 KiB: keep it off the stack
  (void)libk::acpi::parse_madt(table, 0, madt, diag);
  (void)libk::acpi::parse_hpet(table, 0, diag);
  (void)libk::acpi::parse_fadt(table, 0, diag);
  (void)libk::acpi::parse_mcfg(table, 0, diag);
  for (u8 irq = 0; irq < 16; ++irq) (void)libk::acpi::route_isa_irq(madt, irq);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const u8* data, size_t size) {
  if (size < 8) return 0;
  u64 rsdp = 0;
  std::memcpy(&rsdp, data, 8);
  ImageMemory memory(data + 8, size - 8);
  libk::acpi::Diagnostics diag;
  static libk::acpi::Tables tables;
  if (libk::acpi::discover(memory, rsdp, tables, diag).ok()) {
    for (const libk::acpi::TableRef& ref : tables.tables) {
      libk::Bytes bytes = libk::acpi::table_bytes(memory, ref);
      if (bytes.size() != ref.length) __builtin_trap();  // discover() vouched for it
      parse_all(bytes, diag);
    }
  }
  parse_all({data + 8, size - 8}, diag);
  char text[256];
  for (const libk::acpi::Diagnostic& d : diag.items())
    libk::format_into(text, sizeof(text), "{}", d);
  return 0;
}
