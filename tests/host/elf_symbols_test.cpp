// The ELF symbol-table parser behind symbolized backtraces (libk/elf_symbols.hpp), on small
// synthetic files and on damaged ones: a bad file is an error, never an out-of-bounds read.
#include <catch2/catch.hpp>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <libk/elf.hpp>
#include <libk/elf_symbols.hpp>

#include "elf_builder.hpp"

using namespace libk::elf;

namespace {

constexpr u64 kText = 0xFFFF'FFFF'8000'1000;
constexpr u64 kData = 0xFFFF'FFFF'8000'3000;

struct SymbolSpec {
  const char* name;
  u8 type;
  u16 section;
  u64 value;
  u64 size;
};

// An ELF64 file with sections: null, .text (executable), .data, .symtab, .strtab.
struct ElfBuilder {
  std::vector<SymbolSpec> symbols = {
      {"alpha", kSymbolFunction, 1, kText, 0x20},
      {"beta", kSymbolFunction, 1, kText + 0x20, 0x40},
      {"asm_label", kSymbolNoType, 1, kText + 0x100, 0},
      {"data_object", 1, 2, kData, 8},
      {"undefined", kSymbolFunction, 0, 0, 0},
      {"_ZN6kernel3log4initEv", kSymbolFunction, 1, kText + 0x200, 0x10},
  };
  u64 symtab_entsize = sizeof(Symbol64);
  u32 symtab_link = 4;
  u16 shentsize = sizeof(SectionHeader);

  std::vector<u8> build() const {
    std::vector<u8> strtab{0};
    std::vector<Symbol64> syms(1, Symbol64{});
    for (const SymbolSpec& s : symbols) {
      Symbol64 sym{u32(strtab.size()), s.type, 0, s.section, s.value, s.size};
      strtab.insert(strtab.end(), s.name, s.name + std::strlen(s.name) + 1);
      syms.push_back(sym);
    }
    std::vector<u8> file(sizeof(FileHeader), 0);
    u64 strtab_offset = file.size();
    file.insert(file.end(), strtab.begin(), strtab.end());
    while (file.size() % 8) file.push_back(0);
    u64 symtab_offset = file.size();
    const u8* raw = reinterpret_cast<const u8*>(syms.data());
    file.insert(file.end(), raw, raw + syms.size() * sizeof(Symbol64));
    u64 shoff = file.size();
    SectionHeader sections[5] = {};
    sections[1] = {0, 1, 0x6, kText, 0, 0x1000, 0, 0, 16, 0};  // PROGBITS, AX
    sections[2] = {0, 1, 0x3, kData, 0, 0x1000, 0, 0, 8, 0};   // PROGBITS, WA
    sections[3] = {
        0, kSectionSymbolTable, 0, 0, symtab_offset, syms.size() * sizeof(Symbol64), symtab_link, 1,
        8, symtab_entsize};
    sections[4] = {0, kSectionStringTable, 0, 0, strtab_offset, strtab.size(), 0, 0, 1, 0};
    const u8* sh = reinterpret_cast<const u8*>(sections);
    file.insert(file.end(), sh, sh + sizeof(sections));
    FileHeader h = test::x86_64_pie_header();
    h.shoff = shoff;
    h.shentsize = shentsize;
    h.shnum = 5;
    std::memcpy(file.data(), &h, sizeof(h));
    return file;
  }
};

libk::Bytes bytes(const std::vector<u8>& v) { return {v.data(), v.size()}; }

SymbolProblem problem_of(const std::vector<u8>& file) {
  auto r = SymbolTable::parse(bytes(file));
  REQUIRE_FALSE(r.ok());
  return r.error();
}

u64 section_offset(const std::vector<u8>& file, int index) {
  u64 shoff;
  std::memcpy(&shoff, &file[40], 8);
  return shoff + u64(index) * sizeof(SectionHeader);
}

}  // namespace

TEST_CASE("an address inside a function resolves to it with the offset", "[elf][symbols]") {
  auto file = ElfBuilder().build();
  auto table = SymbolTable::parse(bytes(file));
  REQUIRE(table.ok());
  CHECK(table.value().symbol_count() == 7);
  auto m = table.value().lookup(kText + 0x10);
  REQUIRE(m.has_value());
  CHECK(std::string(m->name.data(), m->name.size()) == "alpha");
  CHECK(m->offset == 0x10);
  auto b = table.value().lookup(kText + 0x20);  // first byte past alpha: beta
  REQUIRE(b.has_value());
  CHECK(b->name == libk::StringView("beta"));
  CHECK(b->offset == 0);
}

TEST_CASE("an address after a size-less assembly label resolves to the label", "[elf][symbols]") {
  auto file = ElfBuilder().build();
  auto table = SymbolTable::parse(bytes(file)).value();
  auto m = table.lookup(kText + 0x150);
  REQUIRE(m.has_value());
  CHECK(m->name == libk::StringView("asm_label"));
  CHECK(m->offset == 0x50);
  CHECK(m->size == 0);
}

TEST_CASE("data symbols and addresses outside code do not resolve", "[elf][symbols]") {
  auto file = ElfBuilder().build();
  auto table = SymbolTable::parse(bytes(file)).value();
  CHECK_FALSE(table.lookup(kData + 4).has_value());
  CHECK_FALSE(table.lookup(kText + 0x2000).has_value());  // past the end of .text
  CHECK_FALSE(table.lookup(kText - 1).has_value());
  CHECK_FALSE(table.address_of("data_object").has_value());
  CHECK_FALSE(table.address_of("undefined").has_value());
  CHECK(table.address_of("_ZN6kernel3log4initEv").value_or(0) == kText + 0x200);
}

TEST_CASE("damaged files are rejected with the reason", "[elf][symbols]") {
  ElfBuilder builder;
  SECTION("not ELF") {
    auto file = builder.build();
    file[0] = 'X';
    CHECK(problem_of(file) == SymbolProblem::NotElf64);
    CHECK(problem_of(std::vector<u8>(10, 0)) == SymbolProblem::NotElf64);
  }
  SECTION("section headers past the end of the file") {
    auto file = builder.build();
    file.resize(file.size() - 10);
    CHECK(problem_of(file) == SymbolProblem::SectionHeadersOutsideFile);
  }
  SECTION("wrong section header size") {
    builder.shentsize = 40;
    CHECK(problem_of(builder.build()) == SymbolProblem::BadSectionHeaderSize);
  }
  SECTION("no section headers") {
    auto file = builder.build();
    std::memset(&file[60], 0, 2);  // e_shnum
    CHECK(problem_of(file) == SymbolProblem::NoSectionHeaders);
  }
  SECTION("stripped: no symbol table") {
    auto file = builder.build();
    u32 progbits = 1;
    std::memcpy(&file[section_offset(file, 3) + 4], &progbits, 4);
    CHECK(problem_of(file) == SymbolProblem::NoSymbolTable);
  }
  SECTION("wrong symbol entry size") {
    builder.symtab_entsize = 16;
    CHECK(problem_of(builder.build()) == SymbolProblem::BadSymbolEntrySize);
  }
  SECTION("symbol table past the end of the file") {
    auto file = builder.build();
    u64 huge = 0xFFFF'FFFF'FFFF'0000;
    std::memcpy(&file[section_offset(file, 3) + 24], &huge, 8);  // sh_offset
    CHECK(problem_of(file) == SymbolProblem::SymbolTableOutsideFile);
  }
  SECTION("string table link out of range or to a non-string section") {
    builder.symtab_link = 99;
    CHECK(problem_of(builder.build()) == SymbolProblem::BadStringTableLink);
    builder.symtab_link = 1;
    CHECK(problem_of(builder.build()) == SymbolProblem::BadStringTableLink);
  }
  SECTION("string table past the end of the file") {
    auto file = builder.build();
    u64 size = 1 << 30;
    std::memcpy(&file[section_offset(file, 4) + 32], &size, 8);  // sh_size
    CHECK(problem_of(file) == SymbolProblem::StringTableOutsideFile);
  }
}

TEST_CASE("names outside the string table or unterminated are ignored", "[elf][symbols]") {
  ElfBuilder builder;
  auto file = builder.build();
  // Point alpha's name past the string table, and cut the table before beta's terminator.
  u64 symtab;
  std::memcpy(&symtab, &file[section_offset(file, 3) + 24], 8);
  u32 far = 100000;
  std::memcpy(&file[symtab + sizeof(Symbol64)], &far, 4);
  u64 strtab_size = 1 + 6 + 4;  // "\0alpha\0beta" without beta's NUL
  std::memcpy(&file[section_offset(file, 4) + 32], &strtab_size, 8);
  auto table = SymbolTable::parse(bytes(file));
  REQUIRE(table.ok());
  CHECK_FALSE(table.value().lookup(kText + 0x10).has_value());
  CHECK_FALSE(table.value().lookup(kText + 0x30).has_value());
}

TEST_CASE("this test program's own ELF file has a symbol table with main", "[elf][symbols]") {
  std::ifstream in("/proc/self/exe", std::ios::binary);
  std::vector<u8> file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto table = SymbolTable::parse(bytes(file));
  REQUIRE(table.ok());
  CHECK(table.value().symbol_count() > 100);
  auto main_address = table.value().address_of("main");
  REQUIRE(main_address.has_value());
  auto m = table.value().lookup(*main_address + 1);
  REQUIRE(m.has_value());
  CHECK(m->name == libk::StringView("main"));
}
