// libFuzzer harness for the ELF symbol-table parser and the demangler behind symbolized
// backtraces (libk/elf_symbols.hpp, libk/demangle.hpp). Input: an ELF file. Every symbol
// found is looked up and its name demangled; lookups of addresses near each symbol and of
// addresses taken from the input exercise the search.
#include <cstring>

#include <libk/demangle.hpp>
#include <libk/elf_symbols.hpp>

extern "C" int LLVMFuzzerTestOneInput(const u8* data, size_t size) {
  auto table = libk::elf::SymbolTable::parse({data, size});
  if (!table) return 0;
  char buffer[512];
  usize limit = table.value().symbol_count() < 64 ? table.value().symbol_count() : 64;
  for (usize i = 0; i + 8 <= size && i < limit * 8; i += 8) {
    u64 address = 0;
    std::memcpy(&address, data + i, 8);
    const u64 probes[] = {address, address + 1, address - 1};
    for (u64 probe : probes) {
      auto match = table.value().lookup(probe);
      if (!match) continue;
      if (match->offset != probe - match->address) __builtin_trap();
      libk::BufferSink sink(buffer, sizeof(buffer));
      libk::write_symbol_name(sink, match->name);
      if (auto again = table.value().address_of(match->name); !again) __builtin_trap();
    }
  }
  return 0;
}
