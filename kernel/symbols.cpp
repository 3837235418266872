#include "symbols.hpp"

#include <libk/demangle.hpp>
#include <libk/elf_symbols.hpp>

#include "boot.hpp"
#include "image.hpp"
#include "log.hpp"

namespace kernel::symbols {

namespace {
constinit libk::elf::SymbolTable table;
constinit bool loaded = false;
}  // namespace

void init() {
  const boot::BootInfo& info = boot_info::get();
  if (info.kernel_file == 0 || info.kernel_file_size == 0) {
    log::warn("symbols: the loader passed no kernel file; backtraces will have no names");
    return;
  }
  libk::Bytes file(boot_info::physical_to_virtual<const u8>(info.kernel_file),
                   info.kernel_file_size);
  auto parsed = libk::elf::SymbolTable::parse(file);
  if (!parsed) {
    log::warn("symbols: kernel file unusable: {}; backtraces will have no names",
              libk::elf::symbol_problem_text(parsed.error()));
    return;
  }
  table = parsed.value();
  loaded = true;
  log::info("symbols: {} symbols from the kernel file", table.symbol_count());
}

bool available() { return loaded; }

// The file's symbols have link addresses; the kernel runs image::slide() bytes away from them.
libk::Optional<Resolved> resolve(u64 address) {
  if (!loaded) return libk::nullopt;
  const u64 slide = image::slide();
  auto match = table.lookup(address - slide);
  if (!match) return libk::nullopt;
  return Resolved{match->name, match->address + slide, match->offset};
}

void write(libk::Sink& out, u64 address) {
  auto r = resolve(address);
  if (!r) {
    out.write("?");
    return;
  }
  libk::write_symbol_name(out, r->name);
  libk::format_to(out, "+{:#x}", r->offset);
}

}  // namespace kernel::symbols
