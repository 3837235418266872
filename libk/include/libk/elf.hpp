// ELF64 structures (System V gABI, x86-64 psABI) and the kernel-image validator shared by
// the loader, the host `ember-elfcheck` tool and the tests. The input is untrusted: every
// offset, size and sum is checked before use, and each rejection names the field at fault.
//
// The kernel is a position-independent executable (ET_DYN) whose only dynamic content is a
// table of R_X86_64_RELATIVE relocations, so the loader can place it at any 2 MiB-aligned
// base in the kernel image window (KASLR) by adding one number to each relocated word.
#pragma once

#include <boot/address_space.hpp>
#include <libk/format.hpp>
#include <libk/result.hpp>
#include <libk/span.hpp>
#include <libk/types.hpp>

namespace libk::elf {

// gABI "ELF Header", e_ident indices and values.
inline constexpr u8 kMagic[4] = {0x7f, 'E', 'L', 'F'};
inline constexpr usize kIdentClass = 4, kIdentData = 5, kIdentVersion = 6;
inline constexpr u8 kClass64 = 2, kDataLittleEndian = 1, kVersionCurrent = 1;
inline constexpr u16 kTypeExec = 2, kTypeDyn = 3;
inline constexpr u16 kMachineX86_64 = 62;
inline constexpr u32 kProgramLoad = 1, kProgramDynamic = 2, kProgramInterp = 3;
inline constexpr u32 kFlagExecute = 1, kFlagWrite = 2, kFlagRead = 4;

struct FileHeader {
  u8 ident[16];
  u16 type;
  u16 machine;
  u32 version;
  u64 entry;
  u64 phoff;
  u64 shoff;
  u32 flags;
  u16 ehsize;
  u16 phentsize;
  u16 phnum;
  u16 shentsize;
  u16 shnum;
  u16 shstrndx;
};
static_assert(sizeof(FileHeader) == 64);

struct ProgramHeader {
  u32 type;
  u32 flags;
  u64 offset;
  u64 vaddr;
  u64 paddr;
  u64 filesz;
  u64 memsz;
  u64 align;
};
static_assert(sizeof(ProgramHeader) == 56);

// gABI "Dynamic Section": the tags the validator reads or refuses.
inline constexpr i64 kDtNull = 0, kDtNeeded = 1, kDtPltRelSize = 2, kDtRela = 7, kDtRelaSize = 8,
                     kDtRelaEntrySize = 9, kDtRel = 17, kDtRelSize = 18, kDtJmpRel = 23,
                     kDtRelrSize = 35;

struct DynamicEntry {
  i64 tag;
  u64 value;
};
static_assert(sizeof(DynamicEntry) == 16);

// x86-64 psABI §4.4: r_info holds the symbol index (high 32 bits) and the type (low 32).
inline constexpr u32 kRelocationRelative = 8;  // R_X86_64_RELATIVE: B + A

struct Rela {
  u64 offset;
  u64 info;
  i64 addend;

  u32 type() const { return u32(info); }
  u32 symbol() const { return u32(info >> 32); }
};
static_assert(sizeof(Rela) == 24);

enum class Problem : u8 {
  FileTooSmall,
  FileTooLarge,
  BadMagic,
  NotElf64,
  NotLittleEndian,
  BadIdentVersion,
  NotPositionIndependent,
  WrongMachine,
  BadVersion,
  BadHeaderSize,
  BadProgramHeaderSize,
  NoProgramHeaders,
  TooManyProgramHeaders,
  ProgramHeadersOutsideFile,
  NoLoadableSegments,
  TooManyLoadableSegments,
  SegmentPastEndOfFile,
  SegmentFileSizeExceedsMemorySize,
  SegmentAddressOverflow,
  SegmentOutsideKernelWindow,
  SegmentBadAlignment,
  SegmentsOverlap,
  SegmentsSharePage,
  SegmentWritableAndExecutable,
  EntryNotExecutable,
  ImageTooLarge,
  HasInterpreter,
  NoDynamicSegment,
  TooManyDynamicSegments,
  DynamicOutsideFile,
  DynamicNotTerminated,
  NeedsLibraries,
  UnsupportedRelocationTable,
  BadRelocationEntrySize,
  RelocationTableOutsideFile,
  RelocationBadType,
  RelocationWithSymbol,
  RelocationOutsideData,
  // User programs (validate_user_program).
  NotStaticExecutable,
  SegmentOutsideUserWindow,
  HasDynamicSegment,
};

struct Error {
  Problem problem;
  u16 segment = 0;  // program header index, where one is at fault
  u16 other = 0;    // the second segment, for overlaps
  u64 value = 0;    // the offending value (for a relocation: its index in the table)
  u64 limit = 0;    // what it was checked against (for a relocation: the offending field)
};

// A short stable name per problem ("segment-past-eof"), for tools and tests.
StringView problem_name(Problem p);

// Every segment must also lie in the kernel image window (boot/address_space.hpp), so that
// nothing else the loader maps can collide with the kernel.
struct Limits {
  u64 max_file_size = 512 * MiB;
  u64 max_image_span = 256 * MiB;
  u16 max_program_headers = 64;
};

struct Segment {
  u16 index;  // program header index
  u32 flags;
  u64 vaddr;
  u64 memsz;
  u64 offset;
  u64 filesz;

  bool writable() const { return flags & kFlagWrite; }
  bool executable() const { return flags & kFlagExecute; }
};

inline constexpr usize kMaxLoadSegments = 16;

// What the loader needs to place the image: the segments, the page-aligned span
// [image_begin, image_end) of link addresses they cover, and where in the file the
// relocation table lies (every entry checked: R_X86_64_RELATIVE, no symbol, patching 8 bytes
// inside a non-executable segment).
struct LoadPlan {
  u64 entry = 0;
  u64 image_begin = 0;
  u64 image_end = 0;
  Segment segments[kMaxLoadSegments] = {};
  u16 segment_count = 0;
  u64 relocations_offset = 0;  // file offset of Rela[relocation_count]
  u64 relocation_count = 0;

  Span<const Segment> loadable() const { return {segments, segment_count}; }
  u64 span() const { return image_end - image_begin; }
};

Result<LoadPlan, Error> validate_kernel(Bytes file, const Limits& limits = {});

// A user program (docs/processes.md): a static executable (ET_EXEC) linked to run where it
// is, every PT_LOAD segment inside the user image window (boot/address_space.hpp), no
// PT_INTERP and no PT_DYNAMIC (nothing to link or relocate), W^X, no two segments with
// different permissions on one page, the entry point in an executable segment. The plan has
// no relocations.
inline constexpr Limits kUserLimits{
    .max_file_size = 64 * MiB, .max_image_span = 64 * MiB, .max_program_headers = 32};
Result<LoadPlan, Error> validate_user_program(Bytes file, const Limits& limits = kUserLimits);

// Applies the plan's relocations for a kernel placed `slide` bytes from its link address.
// `image` holds the loaded segments, image[0] being the byte linked at plan.image_begin
// (plan.span() bytes); `file` is the file validate_kernel accepted for `plan`.
void apply_relocations(const LoadPlan& plan, Bytes file, MutableBytes image, u64 slide);

}  // namespace libk::elf

namespace libk {
template <>
struct Formatter<elf::Error> {
  // A sentence such as "segment 2 extends past end of file (offset 0x1000 + size ...)".
  static void format(Sink& sink, const elf::Error& e, const FormatSpec& spec);
};
}  // namespace libk
