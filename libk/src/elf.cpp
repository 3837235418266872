#include <libk/elf.hpp>

#include "elf_dynamic.hpp"

namespace libk::elf {

namespace {

using Err = Unexpected<Error>;

Err fail(Problem p, u16 segment = 0, u64 value = 0, u64 limit = 0, u16 other = 0) {
  return {Error{p, segment, other, value, limit}};
}

template <typename T>
T read_struct(Bytes file, u64 offset) {
  T out;
  __builtin_memcpy(&out, file.data() + offset, sizeof(T));
  return out;
}

// What tells a kernel from a user program.
struct Kind {
  u16 type;                     // ET_DYN or ET_EXEC
  Problem wrong_type;           // when e_type is something else
  boot::layout::Region window;  // where every segment must lie
  Problem outside_window;       // when one does not
};
constexpr Kind kKernelKind{kTypeDyn, Problem::NotPositionIndependent, boot::layout::kKernelImage,
                           Problem::SegmentOutsideKernelWindow};
constexpr Kind kUserKind{kTypeExec, Problem::NotStaticExecutable, boot::layout::kUserImage,
                         Problem::SegmentOutsideUserWindow};

Result<FileHeader, Error> check_header(Bytes file, const Limits& limits, const Kind& kind) {
  if (file.size() < sizeof(FileHeader)) return fail(Problem::FileTooSmall, 0, file.size(), 64);
  if (file.size() > limits.max_file_size)
    return fail(Problem::FileTooLarge, 0, file.size(), limits.max_file_size);
  auto h = read_struct<FileHeader>(file, 0);
  for (usize i = 0; i < 4; ++i)
    if (h.ident[i] != kMagic[i]) return fail(Problem::BadMagic);
  if (h.ident[kIdentClass] != kClass64) return fail(Problem::NotElf64, 0, h.ident[kIdentClass]);
  if (h.ident[kIdentData] != kDataLittleEndian)
    return fail(Problem::NotLittleEndian, 0, h.ident[kIdentData]);
  if (h.ident[kIdentVersion] != kVersionCurrent)
    return fail(Problem::BadIdentVersion, 0, h.ident[kIdentVersion]);
  if (h.type != kind.type) return fail(kind.wrong_type, 0, h.type, kind.type);
  if (h.machine != kMachineX86_64) return fail(Problem::WrongMachine, 0, h.machine, kMachineX86_64);
  if (h.version != kVersionCurrent) return fail(Problem::BadVersion, 0, h.version);
  if (h.ehsize < sizeof(FileHeader)) return fail(Problem::BadHeaderSize, 0, h.ehsize, 64);
  return h;
}

Result<void, Error> check_program_table(Bytes file, const FileHeader& h, const Limits& limits) {
  if (h.phnum == 0) return fail(Problem::NoProgramHeaders);
  if (h.phentsize != sizeof(ProgramHeader))
    return fail(Problem::BadProgramHeaderSize, 0, h.phentsize, sizeof(ProgramHeader));
  if (h.phnum > limits.max_program_headers)
    return fail(Problem::TooManyProgramHeaders, 0, h.phnum, limits.max_program_headers);
  u64 table_size = u64(h.phnum) * sizeof(ProgramHeader);
  if (!file.contains_range(h.phoff, table_size))
    return fail(Problem::ProgramHeadersOutsideFile, 0, h.phoff, file.size());
  return {};
}

Result<void, Error> check_segment(Bytes file, u16 index, const ProgramHeader& ph,
                                  const Kind& kind) {
  u64 file_end = 0;
  if (!checked_add(ph.offset, ph.filesz, file_end) || file_end > file.size())
    return fail(Problem::SegmentPastEndOfFile, index, file_end, file.size());
  if (ph.filesz > ph.memsz)
    return fail(Problem::SegmentFileSizeExceedsMemorySize, index, ph.filesz, ph.memsz);
  u64 mem_end = 0;
  if (!checked_add(ph.vaddr, ph.memsz, mem_end) || !checked_align_up(mem_end, kPageSize, mem_end))
    return fail(Problem::SegmentAddressOverflow, index, ph.vaddr, ph.memsz);
  if (!kind.window.contains_range(ph.vaddr, ph.memsz))
    return fail(kind.outside_window, index, ph.vaddr, ph.memsz);
  if (ph.align > 1 && (!is_power_of_two(ph.align) || ph.vaddr % ph.align != ph.offset % ph.align))
    return fail(Problem::SegmentBadAlignment, index, ph.align);
  if ((ph.flags & kFlagWrite) && (ph.flags & kFlagExecute))
    return fail(Problem::SegmentWritableAndExecutable, index, ph.flags);
  return {};
}

u64 page_begin(const Segment& s) { return align_down(s.vaddr, kPageSize); }
// Cannot overflow: check_segment proved vaddr + memsz rounds up without wrapping.
u64 page_end(const Segment& s) { return align_up(s.vaddr + s.memsz, kPageSize); }

Result<void, Error> check_overlaps(const LoadPlan& plan) {
  for (u16 i = 0; i < plan.segment_count; ++i) {
    const Segment& a = plan.segments[i];
    for (u16 j = u16(i + 1); j < plan.segment_count; ++j) {
      const Segment& b = plan.segments[j];
      if (ranges_overlap(a.vaddr, a.vaddr + a.memsz, b.vaddr, b.vaddr + b.memsz))
        return fail(Problem::SegmentsOverlap, b.index, b.vaddr, 0, a.index);
      // Permissions are per page: two segments may share a page only if they agree.
      if (a.flags != b.flags &&
          ranges_overlap(page_begin(a), page_end(a), page_begin(b), page_end(b)))
        return fail(Problem::SegmentsSharePage, b.index, b.vaddr, 0, a.index);
    }
  }
  return {};
}

Result<void, Error> check_image(LoadPlan& plan, const Limits& limits) {
  if (plan.segment_count == 0) return fail(Problem::NoLoadableSegments);
  TRY(check_overlaps(plan));
  plan.image_begin = ~u64{0};
  plan.image_end = 0;
  bool entry_ok = false;
  for (const Segment& s : plan.loadable()) {
    plan.image_begin = min(plan.image_begin, page_begin(s));
    plan.image_end = max(plan.image_end, page_end(s));
    if (s.executable() && plan.entry >= s.vaddr && plan.entry - s.vaddr < s.memsz) entry_ok = true;
  }
  if (plan.image_end - plan.image_begin > limits.max_image_span)
    return fail(Problem::ImageTooLarge, 0, plan.image_end - plan.image_begin,
                limits.max_image_span);
  if (!entry_ok) return fail(Problem::EntryNotExecutable, 0, plan.entry);
  return {};
}

// The program headers other than PT_LOAD that shape the image: exactly one PT_DYNAMIC, and no
// PT_INTERP (there is no dynamic linker to run).
struct DynamicHeaders {
  ProgramHeader dynamic{};
  u16 dynamic_index = 0;
  u16 dynamic_count = 0;
};

Result<void, Error> note_header(u16 index, const ProgramHeader& ph, DynamicHeaders& out) {
  if (ph.type == kProgramInterp) return fail(Problem::HasInterpreter, index);
  if (ph.type != kProgramDynamic) return {};
  if (++out.dynamic_count > 1) return fail(Problem::TooManyDynamicSegments, index);
  out.dynamic = ph, out.dynamic_index = index;
  return {};
}

// The checks kernels and user programs share: header, program header table, PT_LOAD
// segments (each inside kind.window), no PT_INTERP, the image as a whole.
Result<LoadPlan, Error> check_common(Bytes file, const Limits& limits, const Kind& kind,
                                     DynamicHeaders& headers) {
  FileHeader h = TRY(check_header(file, limits, kind));
  TRY(check_program_table(file, h, limits));
  LoadPlan plan;
  plan.entry = h.entry;
  for (u16 i = 0; i < h.phnum; ++i) {
    auto ph = read_struct<ProgramHeader>(file, h.phoff + u64(i) * sizeof(ProgramHeader));
    TRY(note_header(i, ph, headers));
    if (ph.type != kProgramLoad) continue;
    TRY(check_segment(file, i, ph, kind));
    if (ph.memsz == 0) continue;  // legal but maps nothing
    if (plan.segment_count == kMaxLoadSegments)
      return fail(Problem::TooManyLoadableSegments, i, kMaxLoadSegments + 1, kMaxLoadSegments);
    plan.segments[plan.segment_count++] =
        Segment{i, ph.flags, ph.vaddr, ph.memsz, ph.offset, ph.filesz};
  }
  TRY(check_image(plan, limits));
  return plan;
}

}  // namespace

Result<LoadPlan, Error> validate_kernel(Bytes file, const Limits& limits) {
  DynamicHeaders headers;
  LoadPlan plan = TRY(check_common(file, limits, kKernelKind, headers));
  if (headers.dynamic_count == 0) return fail(Problem::NoDynamicSegment);
  TRY(detail::check_dynamic(file, headers.dynamic_index, headers.dynamic, plan));
  return plan;
}

Result<LoadPlan, Error> validate_user_program(Bytes file, const Limits& limits) {
  DynamicHeaders headers;
  LoadPlan plan = TRY(check_common(file, limits, kUserKind, headers));
  if (headers.dynamic_count != 0) return fail(Problem::HasDynamicSegment, headers.dynamic_index);
  return plan;
}

StringView problem_name(Problem p) {
  switch (p) {
    case Problem::FileTooSmall: return "file-too-small";
    case Problem::FileTooLarge: return "file-too-large";
    case Problem::BadMagic: return "bad-magic";
    case Problem::NotElf64: return "not-elf64";
    case Problem::NotLittleEndian: return "not-little-endian";
    case Problem::BadIdentVersion: return "bad-ident-version";
    case Problem::NotPositionIndependent: return "not-position-independent";
    case Problem::WrongMachine: return "wrong-machine";
    case Problem::BadVersion: return "bad-version";
    case Problem::BadHeaderSize: return "bad-header-size";
    case Problem::BadProgramHeaderSize: return "bad-phentsize";
    case Problem::NoProgramHeaders: return "no-program-headers";
    case Problem::TooManyProgramHeaders: return "too-many-program-headers";
    case Problem::ProgramHeadersOutsideFile: return "program-headers-outside-file";
    case Problem::NoLoadableSegments: return "no-loadable-segments";
    case Problem::TooManyLoadableSegments: return "too-many-loadable-segments";
    case Problem::SegmentPastEndOfFile: return "segment-past-eof";
    case Problem::SegmentFileSizeExceedsMemorySize: return "segment-filesz-exceeds-memsz";
    case Problem::SegmentAddressOverflow: return "segment-address-overflow";
    case Problem::SegmentOutsideKernelWindow: return "segment-outside-kernel-window";
    case Problem::SegmentBadAlignment: return "segment-bad-alignment";
    case Problem::SegmentsOverlap: return "segments-overlap";
    case Problem::SegmentsSharePage: return "segments-share-page";
    case Problem::SegmentWritableAndExecutable: return "segment-writable-and-executable";
    case Problem::EntryNotExecutable: return "entry-not-executable";
    case Problem::ImageTooLarge: return "image-too-large";
    case Problem::HasInterpreter: return "has-interpreter";
    case Problem::NoDynamicSegment: return "no-dynamic-segment";
    case Problem::TooManyDynamicSegments: return "too-many-dynamic-segments";
    case Problem::DynamicOutsideFile: return "dynamic-outside-file";
    case Problem::DynamicNotTerminated: return "dynamic-not-terminated";
    case Problem::NeedsLibraries: return "needs-libraries";
    case Problem::UnsupportedRelocationTable: return "unsupported-relocation-table";
    case Problem::BadRelocationEntrySize: return "bad-relocation-entry-size";
    case Problem::RelocationTableOutsideFile: return "relocation-table-outside-file";
    case Problem::RelocationBadType: return "relocation-bad-type";
    case Problem::RelocationWithSymbol: return "relocation-with-symbol";
    case Problem::RelocationOutsideData: return "relocation-outside-data";
    case Problem::NotStaticExecutable: return "not-static-executable";
    case Problem::SegmentOutsideUserWindow: return "segment-outside-user-window";
    case Problem::HasDynamicSegment: return "has-dynamic-segment";
  }
  return "unknown";
}

}  // namespace libk::elf

namespace libk {

namespace {

void format_region(Sink& s, const boot::layout::Region& r) {
  format_to(s, "{} [{:#x}, {:#x})", r.name, r.base, r.base + r.size);
}

// "segment 1 [0xffff800000000000, 0xffff800000001000) overlaps the direct map [...]; a kernel
// must lie in the kernel image window [...]". The segment's end cannot wrap: check_segment
// proved p_vaddr + p_memsz does not overflow.
void format_outside_window(Sink& s, const elf::Error& e) {
  using boot::layout::kKernelImage;
  format_to(s, "segment {} [{:#x}, {:#x}) ", e.segment, e.value, e.value + e.limit);
  auto other = boot::layout::region_overlapping(e.value, e.limit);
  if (other && other->base != kKernelImage.base) {
    format_to(s, "overlaps ");
    format_region(s, *other);
    format_to(s, "; a kernel must lie in ");
  } else {
    format_to(s, "is outside ");
  }
  format_region(s, kKernelImage);
}

// The dynamic segment's problems; e.segment is the PT_DYNAMIC's index.
void format_dynamic_problem(Sink& s, const elf::Error& e) {
  using elf::Problem;
  switch (e.problem) {
    case Problem::HasInterpreter:
      return format_to(s, "segment {} is PT_INTERP: a kernel has no dynamic linker", e.segment);
    case Problem::NoDynamicSegment:
      return format_to(s, "no PT_DYNAMIC segment (link the kernel with -pie)");
    case Problem::TooManyDynamicSegments:
      return format_to(s, "segment {} is a second PT_DYNAMIC", e.segment);
    case Problem::DynamicOutsideFile:
      return format_to(s, "dynamic segment {} (offset {:#x}) extends past end of file ({} bytes)",
                       e.segment, e.value, e.limit);
    case Problem::DynamicNotTerminated:
      return format_to(s, "dynamic segment {} has no DT_NULL entry", e.segment);
    case Problem::NeedsLibraries:
      return format_to(s, "dynamic segment {}: DT_NEEDED: a kernel cannot load libraries",
                       e.segment);
    case Problem::UnsupportedRelocationTable:
      return format_to(s, "dynamic segment {}: tag {} names relocations other than RELA", e.segment,
                       e.value);
    case Problem::BadRelocationEntrySize:
      return format_to(s, "dynamic segment {}: DT_RELAENT is {}, need {}", e.segment, e.value,
                       e.limit);
    case Problem::RelocationTableOutsideFile:
      return format_to(s,
                       "relocation table at {:#x} ({} bytes) is not inside one segment's file "
                       "bytes, or not a whole number of entries",
                       e.value, e.limit);
    case Problem::RelocationBadType:
      return format_to(s, "relocation {} has type {}, need R_X86_64_RELATIVE = 8", e.value,
                       e.limit);
    case Problem::RelocationWithSymbol:
      return format_to(s, "relocation {} names symbol {}; a kernel's relocations name none",
                       e.value, e.limit);
    case Problem::RelocationOutsideData:
      return format_to(s, "relocation {} patches {:#x}, outside every non-executable segment",
                       e.value, e.limit);
    default: break;
  }
  format_to(s, "unknown ELF problem {}", u32(e.problem));
}

}  // namespace

void Formatter<elf::Error>::format(Sink& s, const elf::Error& e, const FormatSpec&) {
  using elf::Problem;
  switch (e.problem) {
    case Problem::FileTooSmall:
      return format_to(s, "file is {} bytes, too small for an ELF header ({} bytes)", e.value,
                       e.limit);
    case Problem::FileTooLarge:
      return format_to(s, "file is {} bytes, over the {}-byte limit", e.value, e.limit);
    case Problem::BadMagic: return format_to(s, "not an ELF file (bad magic number)");
    case Problem::NotElf64:
      return format_to(s, "not a 64-bit ELF file (EI_CLASS is {}, need 2)", e.value);
    case Problem::NotLittleEndian:
      return format_to(s, "not a little-endian ELF file (EI_DATA is {}, need 1)", e.value);
    case Problem::BadIdentVersion:
      return format_to(s, "unknown ELF version (EI_VERSION is {}, need 1)", e.value);
    case Problem::NotPositionIndependent:
      return format_to(s, "not a position-independent executable (e_type is {}, need ET_DYN = {})",
                       e.value, e.limit);
    case Problem::WrongMachine:
      return format_to(s, "wrong machine (e_machine is {}, need x86-64 = {})", e.value, e.limit);
    case Problem::BadVersion:
      return format_to(s, "unknown ELF version (e_version is {}, need 1)", e.value);
    case Problem::BadHeaderSize:
      return format_to(s, "e_ehsize is {}, smaller than the {}-byte header", e.value, e.limit);
    case Problem::BadProgramHeaderSize:
      return format_to(s, "e_phentsize is {}, need {}", e.value, e.limit);
    case Problem::NoProgramHeaders: return format_to(s, "no program headers (e_phnum is 0)");
    case Problem::TooManyProgramHeaders:
      return format_to(s, "too many program headers (e_phnum is {}, limit {})", e.value, e.limit);
    case Problem::ProgramHeadersOutsideFile:
      return format_to(s,
                       "program header table (e_phoff {:#x}) extends past end of file ({} bytes)",
                       e.value, e.limit);
    case Problem::NoLoadableSegments: return format_to(s, "no loadable (PT_LOAD) segments");
    case Problem::TooManyLoadableSegments:
      return format_to(s, "segment {}: more than {} loadable segments", e.segment, e.limit);
    case Problem::SegmentPastEndOfFile:
      return format_to(s,
                       "segment {} extends past end of file (ends at {:#x}, file is {:#x} bytes)",
                       e.segment, e.value, e.limit);
    case Problem::SegmentFileSizeExceedsMemorySize:
      return format_to(s, "segment {}: p_filesz {:#x} exceeds p_memsz {:#x}", e.segment, e.value,
                       e.limit);
    case Problem::SegmentAddressOverflow:
      return format_to(s, "segment {}: p_vaddr {:#x} + p_memsz {:#x} overflows", e.segment, e.value,
                       e.limit);
    case Problem::SegmentOutsideKernelWindow: return format_outside_window(s, e);
    case Problem::SegmentBadAlignment:
      return format_to(s, "segment {}: p_align {:#x} is not a power of two matching p_offset",
                       e.segment, e.value);
    case Problem::SegmentsOverlap:
      return format_to(s, "segment {} overlaps segment {} (at {:#x})", e.segment, e.other, e.value);
    case Problem::SegmentsSharePage:
      return format_to(s, "segment {} shares a page with segment {} but has other permissions",
                       e.segment, e.other);
    case Problem::SegmentWritableAndExecutable:
      return format_to(s, "segment {} is both writable and executable (W^X)", e.segment);
    case Problem::EntryNotExecutable:
      return format_to(s, "entry point {:#x} is not inside an executable segment", e.value);
    case Problem::ImageTooLarge:
      return format_to(s, "image spans {:#x} bytes, over the {:#x}-byte limit", e.value, e.limit);
    case Problem::NotStaticExecutable:
      return format_to(s, "not a static executable (e_type is {}, need ET_EXEC = {})", e.value,
                       e.limit);
    case Problem::SegmentOutsideUserWindow:
      return format_to(s, "segment {} [{:#x}, {:#x}) is outside {} [{:#x}, {:#x})", e.segment,
                       e.value, e.value + e.limit, boot::layout::kUserImage.name,
                       boot::layout::kUserImage.base,
                       boot::layout::kUserImage.base + boot::layout::kUserImage.size);
    case Problem::HasDynamicSegment:
      return format_to(s, "segment {} is PT_DYNAMIC: a user program is linked statically",
                       e.segment);
    default: return format_dynamic_problem(s, e);
  }
  format_to(s, "unknown ELF problem {}", u32(e.problem));
}

}  // namespace libk
