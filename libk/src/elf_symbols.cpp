#include <libk/elf.hpp>
#include <libk/elf_symbols.hpp>

namespace libk::elf {

namespace {

using Fail = Unexpected<SymbolProblem>;

template <typename T>
T read_at(Bytes bytes, u64 offset) {
  T out;
  __builtin_memcpy(&out, bytes.data() + offset, sizeof(T));
  return out;
}

bool is_elf64_le(Bytes file) {
  if (file.size() < sizeof(FileHeader)) return false;
  for (usize i = 0; i < 4; ++i)
    if (file[i] != kMagic[i]) return false;
  return file[kIdentClass] == kClass64 && file[kIdentData] == kDataLittleEndian;
}

Result<Bytes, SymbolProblem> section_table(Bytes file) {
  auto h = read_at<FileHeader>(file, 0);
  if (h.shoff == 0 || h.shnum == 0) return Fail{SymbolProblem::NoSectionHeaders};
  if (h.shentsize != sizeof(SectionHeader)) return Fail{SymbolProblem::BadSectionHeaderSize};
  u64 size = u64(h.shnum) * sizeof(SectionHeader);
  if (!file.contains_range(h.shoff, size)) return Fail{SymbolProblem::SectionHeadersOutsideFile};
  return file.subspan(h.shoff, size);
}

}  // namespace

StringView symbol_problem_text(SymbolProblem p) {
  switch (p) {
    case SymbolProblem::NotElf64: return "not a little-endian ELF64 file";
    case SymbolProblem::NoSectionHeaders: return "no section headers";
    case SymbolProblem::BadSectionHeaderSize: return "e_shentsize is not 64";
    case SymbolProblem::SectionHeadersOutsideFile: return "section headers extend past end of file";
    case SymbolProblem::NoSymbolTable: return "no symbol table (stripped?)";
    case SymbolProblem::BadSymbolEntrySize: return "symbol table entry size is not 24";
    case SymbolProblem::SymbolTableOutsideFile: return "symbol table extends past end of file";
    case SymbolProblem::BadStringTableLink: return "symbol table links to no string table";
    case SymbolProblem::StringTableOutsideFile: return "string table extends past end of file";
  }
  return "unknown problem";
}

Result<SymbolTable, SymbolProblem> SymbolTable::parse(Bytes file) {
  if (!is_elf64_le(file)) return Fail{SymbolProblem::NotElf64};
  SymbolTable table;
  table.file_ = file;
  table.sections_ = TRY(section_table(file));
  usize count = table.sections_.size() / sizeof(SectionHeader);
  for (usize i = 0; i < count; ++i) {
    auto sh = read_at<SectionHeader>(table.sections_, i * sizeof(SectionHeader));
    if (sh.type != kSectionSymbolTable) continue;
    if (sh.entsize != sizeof(Symbol64) || sh.size % sizeof(Symbol64) != 0)
      return Fail{SymbolProblem::BadSymbolEntrySize};
    if (!file.contains_range(sh.offset, sh.size))
      return Fail{SymbolProblem::SymbolTableOutsideFile};
    if (sh.link == 0 || sh.link >= count) return Fail{SymbolProblem::BadStringTableLink};
    auto strtab = read_at<SectionHeader>(table.sections_, sh.link * sizeof(SectionHeader));
    if (strtab.type != kSectionStringTable) return Fail{SymbolProblem::BadStringTableLink};
    if (!file.contains_range(strtab.offset, strtab.size))
      return Fail{SymbolProblem::StringTableOutsideFile};
    table.symbols_ = file.subspan(sh.offset, sh.size);
    table.strings_ = file.subspan(strtab.offset, strtab.size);
    return table;
  }
  return Fail{SymbolProblem::NoSymbolTable};
}

Symbol64 SymbolTable::symbol(usize i) const {
  return read_at<Symbol64>(symbols_, i * sizeof(Symbol64));
}

StringView SymbolTable::name_at(u32 offset) const {
  if (offset >= strings_.size()) return {};
  const char* start = reinterpret_cast<const char*>(strings_.data()) + offset;
  usize limit = strings_.size() - offset;
  for (usize n = 0; n < limit; ++n)
    if (start[n] == '\0') return {start, n};
  return {};  // unterminated: not a name
}

Optional<SectionHeader> SymbolTable::code_section(const Symbol64& s) const {
  u8 type = s.info & 0xF;
  if (type != kSymbolFunction && type != kSymbolNoType) return nullopt;
  if (s.shndx == 0 || s.shndx >= kSectionIndexReserved) return nullopt;
  if (u64(s.shndx) >= sections_.size() / sizeof(SectionHeader)) return nullopt;
  auto sh = read_at<SectionHeader>(sections_, s.shndx * sizeof(SectionHeader));
  if (!(sh.flags & kSectionExecutable)) return nullopt;
  return sh;
}

Optional<SymbolMatch> SymbolTable::lookup(u64 address) const {
  Optional<SymbolMatch> label;  // best size-0 candidate so far
  for (usize i = 0; i < symbol_count(); ++i) {
    Symbol64 s = symbol(i);
    if (s.value > address) continue;
    auto section = code_section(s);
    if (!section) continue;
    StringView name = name_at(s.name);
    if (name.empty()) continue;
    u64 offset = address - s.value;
    if (s.size != 0) {
      if (offset < s.size) return SymbolMatch{name, s.value, s.size, offset};
      continue;
    }
    bool in_section = address >= section->addr && address - section->addr < section->size;
    if (in_section && (!label || s.value > label->address))
      label = SymbolMatch{name, s.value, 0, offset};
  }
  return label;
}

Optional<u64> SymbolTable::address_of(StringView name) const {
  for (usize i = 0; i < symbol_count(); ++i) {
    Symbol64 s = symbol(i);
    if (code_section(s) && name_at(s.name) == name) return s.value;
  }
  return nullopt;
}

}  // namespace libk::elf
