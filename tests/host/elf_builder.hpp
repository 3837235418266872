// Builds small ELF64 kernel images in memory for the validator tests.
//
// The default image is what the loader expects: an x86-64 ET_EXEC whose PT_LOAD segments
// live in the higher half, page-aligned in memory and in the file, with the entry point at
// the start of the first (read+execute) segment. Tests then break one field at a time.
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

// The identity of every image these tests build: ELF64, little-endian, x86-64, ET_EXEC.
inline libk::elf::FileHeader x86_64_exec_header() {
  using namespace libk::elf;
  FileHeader h{};
  std::memcpy(h.ident, kMagic, sizeof(kMagic));
  h.ident[kIdentClass] = kClass64;
  h.ident[kIdentData] = kDataLittleEndian;
  h.ident[kIdentVersion] = kVersionCurrent;
  h.type = kTypeExec;
  h.machine = kMachineX86_64;
  h.version = kVersionCurrent;
  return h;
}

class ElfBuilder {
 public:
  ElfBuilder() : header_(x86_64_exec_header()) {
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

  // The file: header, program header table right after it (unless phoff was changed), and
  // enough bytes to hold every segment's file contents (for segments whose end fits).
  std::vector<u8> build() const {
    libk::elf::FileHeader h = header_;
    if (!phnum_overridden_) h.phnum = u16(segments_.size());
    usize table_end = usize(h.phoff) + segments_.size() * sizeof(libk::elf::ProgramHeader);
    usize size = sizeof(h) > table_end ? sizeof(h) : table_end;
    for (const auto& ph : segments_) {
      u64 end = ph.offset + ph.filesz;
      if (ph.type == libk::elf::kProgramLoad && end >= ph.offset && end <= kMaxFile && end > size)
        size = usize(end);
    }
    std::vector<u8> file(size, 0xCC);  // segment contents: int3 bytes
    std::memcpy(file.data(), &h, sizeof(h));
    for (usize i = 0; i < segments_.size(); ++i)
      std::memcpy(file.data() + h.phoff + i * sizeof(libk::elf::ProgramHeader), &segments_[i],
                  sizeof(libk::elf::ProgramHeader));
    return file;
  }

  // Stores `phnum` in the header instead of the number of segments added.
  void set_phnum(u16 phnum) {
    header_.phnum = phnum;
    phnum_overridden_ = true;
  }

 private:
  static constexpr u64 kMaxFile = 1 << 20;  // segment ends beyond this are left out of the file

  libk::elf::FileHeader header_;
  std::vector<libk::elf::ProgramHeader> segments_;
  bool phnum_overridden_ = false;
};

inline libk::Bytes bytes_of(const std::vector<u8>& v) { return {v.data(), v.size()}; }

}  // namespace test
