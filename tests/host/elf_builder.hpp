// Builds small ELF64 kernel images in memory for the validator tests.
//
// The default image is what the loader expects: an x86-64 ET_DYN (position-independent)
// whose PT_LOAD segments live in the kernel image window, page-aligned in memory and in the
// file, with the entry point at the start of the first (read+execute) segment, and a
// PT_DYNAMIC (always the last program header, its entries right after the program header
// table) listing the relocations added with relocate(). Tests then break one field at a time.
#pragma once

#include <cstring>
#include <vector>

#include <libk/elf.hpp>

namespace test {

inline constexpr u64 kKernelBase = 0xffff'ffff'8000'0000;
inline constexpr u32 kPtNote = 4;
inline constexpr u32 kPtGnuStack = 0x6474'e551;
inline constexpr u32 kRX = libk::elf::kFlagRead | libk::elf::kFlagExecute;
inline constexpr u32 kR = libk::elf::kFlagRead;
inline constexpr u32 kRW = libk::elf::kFlagRead | libk::elf::kFlagWrite;

// The identity of every image these tests build: ELF64, little-endian, x86-64, ET_DYN.
inline libk::elf::FileHeader x86_64_pie_header() {
  using namespace libk::elf;
  FileHeader h{};
  std::memcpy(h.ident, kMagic, sizeof(kMagic));
  h.ident[kIdentClass] = kClass64;
  h.ident[kIdentData] = kDataLittleEndian;
  h.ident[kIdentVersion] = kVersionCurrent;
  h.type = kTypeDyn;
  h.machine = kMachineX86_64;
  h.version = kVersionCurrent;
  return h;
}

class ElfBuilder {
 public:
  ElfBuilder() : header_(x86_64_pie_header()) {
    using namespace libk::elf;
    header_.entry = kKernelBase;
    header_.phoff = sizeof(FileHeader);
    header_.ehsize = sizeof(FileHeader);
    header_.phentsize = sizeof(ProgramHeader);
  }

  // A valid kernel with `count` PT_LOAD segments, one page each, on consecutive pages:
  // segment 0 is R+X (holding the entry point), the rest alternate R and R+W.
  static ElfBuilder kernel(usize count) {
    ElfBuilder b;
    for (usize i = 0; i < count; ++i) {
      u32 flags = i == 0 ? kRX : i % 2 ? kR : kRW;
      b.load(kKernelBase + i * libk::kPageSize, (i + 1) * libk::kPageSize, 0x800, 0x1000, flags);
    }
    return b;
  }

  // Appends a PT_LOAD segment; returns its program header index.
  usize load(u64 vaddr, u64 offset, u64 filesz, u64 memsz, u32 flags, u64 align = 0x1000) {
    return add(libk::elf::ProgramHeader{libk::elf::kProgramLoad, flags, offset, vaddr, vaddr,
                                        filesz, memsz, align});
  }

  usize add(const libk::elf::ProgramHeader& ph) {
    segments_.push_back(ph);
    return segments_.size() - 1;
  }

  libk::elf::FileHeader& header() { return header_; }
  libk::elf::ProgramHeader& segment(usize i) { return segments_[i]; }

  // Adds an R_X86_64_RELATIVE relocation (or another `type`) of the word at link address
  // `offset`. The table goes into segment 0's file bytes at kRelaOffsetInSegment; DT_RELA,
  // DT_RELASZ and DT_RELAENT then describe it.
  void relocate(u64 offset, i64 addend, u32 type = libk::elf::kRelocationRelative, u32 symbol = 0) {
    relocations_.push_back({offset, u64(symbol) << 32 | type, addend});
  }
  // Dynamic entries written before the generated DT_RELA* ones (and the DT_NULL).
  std::vector<libk::elf::DynamicEntry>& extra_dynamic() { return extra_dynamic_; }
  void without_dynamic() { dynamic_ = false; }
  void without_dt_null() { dt_null_ = false; }

  static constexpr u64 kRelaOffsetInSegment = 0x400;

  // The file: header, program header table right after it (unless phoff was changed), and
  // enough bytes to hold every segment's file contents (for segments whose end fits), then
  // the dynamic entries.
  std::vector<u8> build() const {
    using namespace libk::elf;
    std::vector<ProgramHeader> headers = segments_;
    std::vector<DynamicEntry> dynamic = dynamic_entries();
    if (dynamic_) headers.push_back({kProgramDynamic, kR, 0, 0, 0, 0, 0, 8});
    FileHeader h = header_;
    if (!phnum_overridden_) h.phnum = u16(headers.size());
    usize table_end = usize(h.phoff) + headers.size() * sizeof(ProgramHeader);
    usize size = sizeof(h) > table_end ? sizeof(h) : table_end;
    usize dynamic_bytes = dynamic_ ? dynamic.size() * sizeof(DynamicEntry) : 0;
    usize dynamic_at = libk::align_up(size, 8);
    size = dynamic_at + dynamic_bytes;
    for (const auto& ph : segments_) {
      u64 end = ph.offset + ph.filesz;
      if (ph.type == kProgramLoad && end >= ph.offset && end <= kMaxFile && end > size)
        size = usize(end);
    }
    if (dynamic_) {
      headers.back().offset = dynamic_at;
      headers.back().filesz = headers.back().memsz = dynamic_bytes;
    }
    std::vector<u8> file(size, 0xCC);  // segment contents: int3 bytes
    if (dynamic_bytes > 0) std::memcpy(file.data() + dynamic_at, dynamic.data(), dynamic_bytes);
    write_relocations(file);
    std::memcpy(file.data(), &h, sizeof(h));
    for (usize i = 0; i < headers.size(); ++i)
      std::memcpy(file.data() + h.phoff + i * sizeof(ProgramHeader), &headers[i],
                  sizeof(ProgramHeader));
    return file;
  }

  // Stores `phnum` in the header instead of the number of segments added.
  void set_phnum(u16 phnum) {
    header_.phnum = phnum;
    phnum_overridden_ = true;
  }

 private:
  static constexpr u64 kMaxFile = 1 << 20;  // segment ends beyond this are left out of the file

  std::vector<libk::elf::DynamicEntry> dynamic_entries() const {
    using namespace libk::elf;
    std::vector<DynamicEntry> out = extra_dynamic_;
    if (!relocations_.empty()) {
      out.push_back({kDtRela, segments_[0].vaddr + kRelaOffsetInSegment});
      out.push_back({kDtRelaSize, relocations_.size() * sizeof(Rela)});
      out.push_back({kDtRelaEntrySize, sizeof(Rela)});
    }
    if (dt_null_) out.push_back({kDtNull, 0});
    return out;
  }

  void write_relocations(std::vector<u8>& file) const {
    usize at = usize(segments_.empty() ? 0 : segments_[0].offset + kRelaOffsetInSegment);
    usize bytes = relocations_.size() * sizeof(libk::elf::Rela);
    if (bytes > 0 && at + bytes <= file.size())
      std::memcpy(file.data() + at, relocations_.data(), bytes);
  }

  libk::elf::FileHeader header_;
  std::vector<libk::elf::ProgramHeader> segments_;
  std::vector<libk::elf::DynamicEntry> extra_dynamic_;
  std::vector<libk::elf::Rela> relocations_;
  bool dynamic_ = true;
  bool dt_null_ = true;
  bool phnum_overridden_ = false;
};

inline libk::Bytes bytes_of(const std::vector<u8>& v) { return {v.data(), v.size()}; }

}  // namespace test
