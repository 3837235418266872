// The symbol table of an ELF64 file (System V gABI "Sections", "Symbol Table"), for
// symbolized backtraces: the kernel parses its own file, as handed over by the loader.
// The input is untrusted: the section table, the symbol table, its linked string table and
// every name are bounds-checked; a bad file gives an error, never an out-of-bounds read.
#pragma once

#include <libk/optional.hpp>
#include <libk/result.hpp>
#include <libk/span.hpp>
#include <libk/string_view.hpp>

namespace libk::elf {

struct SectionHeader {
  u32 name;
  u32 type;
  u64 flags;
  u64 addr;
  u64 offset;
  u64 size;
  u32 link;
  u32 info;
  u64 addralign;
  u64 entsize;
};
static_assert(sizeof(SectionHeader) == 64);

struct Symbol64 {
  u32 name;
  u8 info;  // binding << 4 | type
  u8 other;
  u16 shndx;
  u64 value;
  u64 size;
};
static_assert(sizeof(Symbol64) == 24);

inline constexpr u32 kSectionSymbolTable = 2;                // SHT_SYMTAB
inline constexpr u32 kSectionStringTable = 3;                // SHT_STRTAB
inline constexpr u64 kSectionExecutable = 4;                 // SHF_EXECINSTR
inline constexpr u8 kSymbolNoType = 0, kSymbolFunction = 2;  // STT_NOTYPE, STT_FUNC
inline constexpr u16 kSectionIndexReserved = 0xFF00;         // SHN_LORESERVE

enum class SymbolProblem : u8 {
  NotElf64,                   // no ELF64 little-endian header
  NoSectionHeaders,           // e_shoff or e_shnum is 0
  BadSectionHeaderSize,       // e_shentsize != 64
  SectionHeadersOutsideFile,  // the section header table runs past the end of the file
  NoSymbolTable,              // no SHT_SYMTAB section (a stripped file)
  BadSymbolEntrySize,         // sh_entsize != 24 or sh_size not a multiple of it
  SymbolTableOutsideFile,
  BadStringTableLink,  // sh_link does not name an SHT_STRTAB section
  StringTableOutsideFile,
};

StringView symbol_problem_text(SymbolProblem p);

struct SymbolMatch {
  StringView name;
  u64 address;  // the symbol's value
  u64 size;     // 0 for labels without a size (assembly)
  u64 offset;   // of the looked-up address from the symbol
};

class SymbolTable {
 public:
  SymbolTable() = default;

  // Validates the section table and finds the symbol table and its string table. The
  // returned table points into `file`, which must outlive it.
  static Result<SymbolTable, SymbolProblem> parse(Bytes file);

  usize symbol_count() const { return symbols_.size() / sizeof(Symbol64); }

  // The code symbol containing `address`: a function whose [value, value + size) holds it,
  // else the nearest size-0 code label below it in the same executable section. Code symbols
  // are STT_FUNC or STT_NOTYPE symbols defined in an SHF_EXECINSTR section.
  Optional<SymbolMatch> lookup(u64 address) const;

  // The value of the first code symbol called `name`.
  Optional<u64> address_of(StringView name) const;

 private:
  Symbol64 symbol(usize i) const;
  // The NUL-terminated name at `offset` in the string table; empty if it is out of bounds or
  // unterminated.
  StringView name_at(u32 offset) const;
  // The executable section a symbol is defined in, if any.
  Optional<SectionHeader> code_section(const Symbol64& s) const;

  Bytes file_;
  Bytes sections_;  // the section header table
  Bytes symbols_;
  Bytes strings_;
};

}  // namespace libk::elf
