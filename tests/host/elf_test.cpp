// libk/elf.hpp: the kernel-image validator. One test per rejection reason, each breaking a
// single field of an otherwise valid image built by ElfBuilder.
#include <catch2/catch.hpp>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include <libk/elf.hpp>

#include "elf_builder.hpp"
#include "string_sink.hpp"

using libk::elf::Error;
using libk::elf::Limits;
using libk::elf::Problem;
using libk::elf::validate_kernel;
using test::ElfBuilder;
using test::kKernelBase;
using test::kR;
using test::kRW;
using test::kRX;

namespace Catch {
template <>
struct StringMaker<Problem> {
  static std::string convert(Problem p) { return test::str(libk::elf::problem_name(p)); }
};
}  // namespace Catch

namespace {

constexpr u64 kPage = libk::kPageSize;
constexpr usize kPhoffField = 32;  // e_phoff's offset in the file header
constexpr Problem kLastProblem = Problem::HasDynamicSegment;

Error rejection(const std::vector<u8>& file, const Limits& limits = {}) {
  auto result = validate_kernel(test::bytes_of(file), limits);
  REQUIRE_FALSE(result.ok());
  return result.error();
}

Error rejection(const ElfBuilder& b, const Limits& limits = {}) {
  return rejection(b.build(), limits);
}

libk::elf::LoadPlan accepted(const ElfBuilder& b) {
  auto file = b.build();
  auto result = validate_kernel(test::bytes_of(file));
  if (!result.ok()) FAIL("rejected: " << test::format("{}", result.error()));
  return result.value();
}

}  // namespace

// --- Acceptance -------------------------------------------------------------------------------

TEST_CASE("Valid higher-half kernel is accepted with its entry point and segments") {
  auto plan = accepted(ElfBuilder::kernel(3));
  CHECK(plan.entry == kKernelBase);
  REQUIRE(plan.segment_count == 3);
  const u32 flags[] = {kRX, kR, kRW};
  for (u16 i = 0; i < 3; ++i) {
    const auto& s = plan.segments[i];
    CHECK(s.index == i);
    CHECK(s.flags == flags[i]);
    CHECK(s.vaddr == kKernelBase + i * kPage);
    CHECK(s.memsz == 0x1000);
    CHECK(s.offset == (i + 1) * kPage);
    CHECK(s.filesz == 0x800);
  }
  CHECK(plan.loadable().size() == 3);
}

TEST_CASE("Image bounds cover all segments and are page-aligned") {
  ElfBuilder b;
  b.header().entry = kKernelBase + 0x1123;
  b.load(kKernelBase + 0x1123, 0x1123, 0x10, 0x100, kRX);
  b.load(kKernelBase + 0x5000, 0x2000, 0x10, 0x1801, kRW);
  auto plan = accepted(b);
  CHECK(plan.image_begin == kKernelBase + 0x1000);
  CHECK(plan.image_end == kKernelBase + 0x7000);
  CHECK(libk::is_aligned(plan.image_begin, kPage));
  CHECK(libk::is_aligned(plan.image_end, kPage));
}

TEST_CASE("Entry point anywhere inside an executable segment is accepted") {
  auto b = ElfBuilder::kernel(2);
  b.header().entry = kKernelBase + 0xfff;
  CHECK(accepted(b).entry == kKernelBase + 0xfff);
}

TEST_CASE("Segment with larger memory size than file size (bss) is accepted") {
  auto b = ElfBuilder::kernel(2);
  b.segment(1).filesz = 0x10;
  b.segment(1).memsz = 0x10000;
  auto plan = accepted(b);
  CHECK(plan.segments[1].memsz == 0x10000);
  CHECK(plan.image_end == kKernelBase + 0x11000);
}

TEST_CASE("Non-PT_LOAD program headers are ignored") {
  ElfBuilder b;
  b.add({test::kPtNote, 0, 0xffff'ffff'0000'0000, 0, 0, 0xffff'ffff, 0, 3});
  b.load(kKernelBase, 0x1000, 0x800, 0x1000, kRX);
  b.add({test::kPtGnuStack, kRW | kRX, 0, 0, 0, 0, 0, 16});
  b.load(kKernelBase + 0x1000, 0x2000, 0x800, 0x1000, kRW);
  auto plan = accepted(b);
  REQUIRE(plan.segment_count == 2);
  CHECK(plan.segments[0].index == 1);
  CHECK(plan.segments[1].index == 3);
}

TEST_CASE("PT_LOAD segments with zero memory size are skipped") {
  auto b = ElfBuilder::kernel(1);
  b.load(kKernelBase + 0x800, 0x1800, 0, 0, kR);  // inside segment 0: not an overlap
  b.load(kKernelBase + 0x1000, 0x2000, 0x800, 0x1000, kRW);
  auto plan = accepted(b);
  REQUIRE(plan.segment_count == 2);
  CHECK(plan.segments[0].index == 0);
  CHECK(plan.segments[1].index == 2);
}

TEST_CASE("Segments with the same flags may share a page") {
  ElfBuilder b;
  b.load(kKernelBase, 0x1000, 0x800, 0x800, kRX);
  b.load(kKernelBase + 0x800, 0x1800, 0x800, 0x800, kRX);
  CHECK(accepted(b).segment_count == 2);
}

TEST_CASE("p_align of 0 or 1 places no constraint on the offset") {
  auto b = ElfBuilder::kernel(2);
  b.segment(1).offset = 0x2010;
  b.segment(1).align = GENERATE(u64{0}, u64{1});
  CHECK(accepted(b).segments[1].offset == 0x2010);
}

TEST_CASE("Image spanning exactly the limit is accepted") {
  auto b = ElfBuilder::kernel(1);
  b.load(kKernelBase + 256 * libk::MiB - kPage, 0x2000, 0x10, 0x1000, kR);
  auto plan = accepted(b);
  CHECK(plan.image_end - plan.image_begin == 256 * libk::MiB);
}

TEST_CASE("Sixteen loadable segments are accepted") {
  CHECK(accepted(ElfBuilder::kernel(16)).segment_count == 16);
}

// --- One rejection per Problem ---------------------------------------------------------------

TEST_CASE("File shorter than an ELF header is rejected") {
  auto file = ElfBuilder::kernel(1).build();
  file.resize(63);
  Error e = rejection(file);
  CHECK(e.problem == Problem::FileTooSmall);
  CHECK(e.value == 63);
  CHECK(rejection(std::vector<u8>{}).problem == Problem::FileTooSmall);
}

TEST_CASE("File larger than the limit is rejected") {
  Limits limits;
  limits.max_file_size = 0x1000;
  Error e = rejection(ElfBuilder::kernel(2), limits);
  CHECK(e.problem == Problem::FileTooLarge);
  CHECK(e.limit == 0x1000);
}

TEST_CASE("File exactly at the size limit is accepted") {
  auto file = ElfBuilder::kernel(2).build();
  Limits limits;
  limits.max_file_size = file.size();
  CHECK(validate_kernel(test::bytes_of(file), limits).ok());
  limits.max_file_size = file.size() - 1;
  CHECK(rejection(file, limits).problem == Problem::FileTooLarge);
}

TEST_CASE("File without the ELF magic is rejected") {
  ElfBuilder b = ElfBuilder::kernel(1);
  b.header().ident[GENERATE(0, 1, 2, 3)] ^= 0x20;
  CHECK(rejection(b).problem == Problem::BadMagic);
}

TEST_CASE("32-bit ELF is rejected") {
  ElfBuilder b = ElfBuilder::kernel(1);
  b.header().ident[libk::elf::kIdentClass] = 1;
  Error e = rejection(b);
  CHECK(e.problem == Problem::NotElf64);
  CHECK(e.value == 1);
}

TEST_CASE("Big-endian ELF is rejected") {
  ElfBuilder b = ElfBuilder::kernel(1);
  b.header().ident[libk::elf::kIdentData] = 2;
  CHECK(rejection(b).problem == Problem::NotLittleEndian);
}

TEST_CASE("ELF with an unknown EI_VERSION is rejected") {
  ElfBuilder b = ElfBuilder::kernel(1);
  b.header().ident[libk::elf::kIdentVersion] = 0;
  CHECK(rejection(b).problem == Problem::BadIdentVersion);
}

TEST_CASE("Executable linked at a fixed address (ET_EXEC) is rejected") {
  ElfBuilder b = ElfBuilder::kernel(1);
  b.header().type = libk::elf::kTypeExec;
  Error e = rejection(b);
  CHECK(e.problem == Problem::NotPositionIndependent);
  CHECK(e.value == libk::elf::kTypeExec);
  CHECK(test::format("{}", e) ==
        "not a position-independent executable (e_type is 2, need ET_DYN = 3)");
}

TEST_CASE("ELF for another machine is rejected") {
  ElfBuilder b = ElfBuilder::kernel(1);
  b.header().machine = 3;  // EM_386
  Error e = rejection(b);
  CHECK(e.problem == Problem::WrongMachine);
  CHECK(e.value == 3);
}

TEST_CASE("ELF with an unknown e_version is rejected") {
  ElfBuilder b = ElfBuilder::kernel(1);
  b.header().version = 2;
  CHECK(rejection(b).problem == Problem::BadVersion);
}

TEST_CASE("ELF whose e_ehsize is smaller than the header is rejected") {
  ElfBuilder b = ElfBuilder::kernel(1);
  b.header().ehsize = 52;
  CHECK(rejection(b).problem == Problem::BadHeaderSize);
}

TEST_CASE("ELF with a program header size other than 56 is rejected") {
  ElfBuilder b = ElfBuilder::kernel(1);
  b.header().phentsize = 64;
  Error e = rejection(b);
  CHECK(e.problem == Problem::BadProgramHeaderSize);
  CHECK(e.value == 64);
}

TEST_CASE("ELF without program headers is rejected") {
  auto b = ElfBuilder::kernel(0);
  b.without_dynamic();
  CHECK(rejection(b).problem == Problem::NoProgramHeaders);
}

TEST_CASE("ELF with more program headers than the limit is rejected") {
  ElfBuilder b = ElfBuilder::kernel(1);
  for (int i = 0; i < 64; ++i) b.add({test::kPtNote, 0, 0, 0, 0, 0, 0, 0});
  Error e = rejection(b);
  CHECK(e.problem == Problem::TooManyProgramHeaders);
  CHECK(e.value == 66);  // 1 PT_LOAD, 64 notes, PT_DYNAMIC
  CHECK(e.limit == 64);
}

TEST_CASE("ELF whose program header table extends past end of file is rejected") {
  auto file = ElfBuilder::kernel(2).build();
  u64 phoff = file.size() - 8;
  std::memcpy(file.data() + kPhoffField, &phoff, sizeof(phoff));
  Error e = rejection(file);
  CHECK(e.problem == Problem::ProgramHeadersOutsideFile);
  CHECK(e.value == phoff);
}

TEST_CASE("ELF whose e_phoff plus table size wraps around is rejected") {
  auto file = ElfBuilder::kernel(2).build();
  u64 phoff = ~u64{0} - 16;
  std::memcpy(file.data() + kPhoffField, &phoff, sizeof(phoff));
  CHECK(rejection(file).problem == Problem::ProgramHeadersOutsideFile);
}

TEST_CASE("ELF without PT_LOAD segments is rejected") {
  ElfBuilder b;
  b.add({test::kPtNote, kR, 0x40, 0, 0, 0x10, 0, 4});
  b.add({test::kPtGnuStack, kRW, 0, 0, 0, 0, 0, 16});
  CHECK(rejection(b).problem == Problem::NoLoadableSegments);
}

TEST_CASE("ELF whose only PT_LOAD segments are empty is rejected") {
  ElfBuilder b;
  b.load(kKernelBase, 0x1000, 0, 0, kRX);
  CHECK(rejection(b).problem == Problem::NoLoadableSegments);
}

TEST_CASE("ELF with more loadable segments than the loader supports is rejected") {
  Error e = rejection(ElfBuilder::kernel(17));
  CHECK(e.problem == Problem::TooManyLoadableSegments);
  CHECK(e.segment == 16);
}

TEST_CASE("ELF with a segment past end of file is rejected") {
  auto file = ElfBuilder::kernel(3).build();
  file.resize(0x3400);  // segment 2 is [0x3000, 0x3800) in the file
  Error e = rejection(file);
  CHECK(e.problem == Problem::SegmentPastEndOfFile);
  CHECK(e.segment == 2);
  CHECK(e.value == 0x3800);
  CHECK(e.limit == 0x3400);
}

TEST_CASE("Segment ending exactly at end of file is accepted, one byte more is not") {
  auto file = ElfBuilder::kernel(3).build();
  REQUIRE(file.size() == 0x3800);  // segment 2 is the last thing in the file
  CHECK(validate_kernel(test::bytes_of(file)).ok());
  file.pop_back();
  Error e = rejection(file);
  CHECK(e.problem == Problem::SegmentPastEndOfFile);
  CHECK(e.segment == 2);
}

TEST_CASE("Segment past end of file is explained with its index") {
  auto file = ElfBuilder::kernel(3).build();
  file.resize(0x3400);
  std::string text = test::format("{}", rejection(file));
  CHECK_THAT(text, Catch::Contains("segment 2 extends past end of file"));
}

TEST_CASE("ELF with a segment whose p_offset plus p_filesz wraps around is rejected") {
  auto b = ElfBuilder::kernel(3);
  b.segment(1).offset = ~u64{0} - 0xff;
  b.segment(1).filesz = 0x200;
  b.segment(1).memsz = 0x1000;
  b.segment(1).align = 0;
  Error e = rejection(b);
  CHECK(e.problem == Problem::SegmentPastEndOfFile);
  CHECK(e.segment == 1);
}

TEST_CASE("ELF with a segment whose file size exceeds its memory size is rejected") {
  auto b = ElfBuilder::kernel(2);
  b.segment(1).memsz = 0x400;
  Error e = rejection(b);
  CHECK(e.problem == Problem::SegmentFileSizeExceedsMemorySize);
  CHECK(e.segment == 1);
  CHECK(e.value == 0x800);
  CHECK(e.limit == 0x400);
}

TEST_CASE("ELF with a segment whose p_vaddr plus p_memsz wraps around is rejected") {
  auto b = ElfBuilder::kernel(2);
  b.segment(1).vaddr = 0xffff'ffff'ffff'f000;
  b.segment(1).memsz = 0x2000;
  Error e = rejection(b);
  CHECK(e.problem == Problem::SegmentAddressOverflow);
  CHECK(e.segment == 1);
}

TEST_CASE("ELF with a segment of maximal memory size is rejected as overflowing") {
  auto b = ElfBuilder::kernel(2);
  b.segment(1).memsz = ~u64{0};
  CHECK(rejection(b).problem == Problem::SegmentAddressOverflow);
}

TEST_CASE("ELF with a segment whose page-rounded end wraps around is rejected") {
  auto b = ElfBuilder::kernel(2);
  b.segment(1).vaddr = 0xffff'ffff'ffff'f000;
  b.segment(1).memsz = 0xfff;  // ends at 2^64 - 1; its last page ends at 2^64
  Error e = rejection(b);
  CHECK(e.problem == Problem::SegmentAddressOverflow);
  CHECK(e.segment == 1);
}

TEST_CASE("ELF with a segment below the kernel image window is rejected") {
  auto b = ElfBuilder::kernel(2);
  b.segment(1).vaddr = 0x0040'0000;
  Error e = rejection(b);
  CHECK(e.problem == Problem::SegmentOutsideKernelWindow);
  CHECK(e.segment == 1);
  CHECK(e.value == 0x0040'0000);
  CHECK(test::format("{}", e) ==
        "segment 1 [0x400000, 0x401000) overlaps user space [0x0, 0x800000000000); a kernel must "
        "lie in the kernel image window [0xffffffff80000000, 0xffffffffffe00000)");
}

// A kernel linked in the lower part of the higher half passed the old "higher half" check and
// then collided with the loader's direct map (or boot stack) when the loader mapped it.
TEST_CASE("ELF with a segment over the direct map or the boot stack names the overlap") {
  auto b = ElfBuilder::kernel(2);
  b.segment(0).vaddr = boot::layout::kDirectMap.base;
  b.header().entry = boot::layout::kDirectMap.base;
  CHECK(test::format("{}", rejection(b)) ==
        "segment 0 [0xffff800000000000, 0xffff800000001000) overlaps the direct map "
        "[0xffff800000000000, 0xffffc00000000000); a kernel must lie in the kernel image window "
        "[0xffffffff80000000, 0xffffffffffe00000)");
  b.segment(0).vaddr = boot::layout::kBootStackTop - 0x1000;
  b.header().entry = b.segment(0).vaddr;
  CHECK(test::format("{}", rejection(b)) ==
        "segment 0 [0xffffff000000f000, 0xffffff0000010000) overlaps the boot stack and its "
        "guard page [0xfffffefffffff000, 0xffffff0000010000); a kernel must lie in the kernel "
        "image window [0xffffffff80000000, 0xffffffffffe00000)");
}

TEST_CASE("Kernel image window boundaries are inclusive") {
  const u64 base = boot::layout::kKernelImage.base;
  auto at = [](u64 vaddr) {
    auto b = ElfBuilder::kernel(1);
    b.segment(0).vaddr = vaddr;
    b.header().entry = vaddr;
    return b;
  };
  CHECK(accepted(at(base)).image_begin == base);
  const u64 end = base + boot::layout::kKernelImage.size;  // 2^64 - 2 MiB
  CHECK(accepted(at(end - kPage)).image_end == end);
  CHECK(rejection(at(end - kPage + 0x800)).problem == Problem::SegmentOutsideKernelWindow);
  Error below = rejection(at(base - kPage));
  CHECK(below.problem == Problem::SegmentOutsideKernelWindow);
  CHECK(test::format("{}", below) ==
        "segment 0 [0xffffffff7ffff000, 0xffffffff80000000) is outside the kernel image window "
        "[0xffffffff80000000, 0xffffffffffe00000)");
  CHECK(rejection(at(base - 0x800)).problem == Problem::SegmentOutsideKernelWindow);
}

TEST_CASE("Address-space regions are sorted and disjoint, the kernel window last") {
  using boot::layout::kRegions;
  for (usize i = 1; i < std::size(kRegions); ++i) {
    INFO(kRegions[i - 1].name << " then " << kRegions[i].name);
    CHECK(kRegions[i - 1].base + kRegions[i - 1].size <= kRegions[i].base);
  }
  const auto& last = kRegions[std::size(kRegions) - 1];
  CHECK(last.base == boot::layout::kKernelImage.base);
  CHECK(last.base + last.size == 0xffff'ffff'ffe0'0000);  // no range in it ends at 2^64
  CHECK(boot::layout::region_overlapping(boot::layout::kBootStackTop - 1, 1)->name ==
        boot::layout::kBootStack.name);
  CHECK_FALSE(boot::layout::region_overlapping(boot::layout::kBootStackTop, 0x1000));
}

TEST_CASE("ELF with a p_align that is not a power of two is rejected") {
  auto b = ElfBuilder::kernel(2);
  b.segment(1).align = 0x3000;
  Error e = rejection(b);
  CHECK(e.problem == Problem::SegmentBadAlignment);
  CHECK(e.segment == 1);
  CHECK(e.value == 0x3000);
}

TEST_CASE("ELF with a non-power-of-two p_align is rejected even if the offset agrees with it") {
  auto b = ElfBuilder::kernel(2);
  u64 vaddr = b.segment(1).vaddr;
  u64 offset = 0x2000;
  while (offset % 3 != vaddr % 3) ++offset;
  b.segment(1).offset = offset;
  b.segment(1).align = 3;
  Error e = rejection(b);
  CHECK(e.problem == Problem::SegmentBadAlignment);
  CHECK(e.value == 3);
}

TEST_CASE("ELF with p_vaddr and p_offset not congruent modulo p_align is rejected") {
  auto b = ElfBuilder::kernel(2);
  b.segment(1).align = GENERATE(u64{2}, u64{0x1000}, u64{0x20'0000});
  b.segment(1).offset = 0x2011;
  Error e = rejection(b);
  CHECK(e.problem == Problem::SegmentBadAlignment);
  CHECK(e.segment == 1);
}

TEST_CASE("ELF with overlapping segments is rejected") {
  auto b = ElfBuilder::kernel(3);
  b.segment(2).vaddr = kKernelBase + 0x1800;  // into segment 1, [base + 0x1000, + 0x2000)
  b.segment(2).offset = 0x3800;
  b.segment(2).flags = kR;
  Error e = rejection(b);
  CHECK(e.problem == Problem::SegmentsOverlap);
  CHECK(e.segment == 2);
  CHECK(e.other == 1);
}

TEST_CASE("ELF with a segment nested inside another is rejected as overlapping") {
  auto b = ElfBuilder::kernel(1);
  b.segment(0).memsz = 0x4000;
  b.load(kKernelBase + 0x1000, 0x2000, 0x100, 0x100, kRX);
  Error e = rejection(b);
  CHECK(e.problem == Problem::SegmentsOverlap);
  CHECK(e.segment == 1);
  CHECK(e.other == 0);
}

TEST_CASE("Segments with different flags sharing a page are rejected") {
  ElfBuilder b;
  b.load(kKernelBase, 0x1000, 0x800, 0x800, kRX);
  b.load(kKernelBase + 0x800, 0x1800, 0x800, 0x800, kRW);
  Error e = rejection(b);
  CHECK(e.problem == Problem::SegmentsSharePage);
  CHECK(e.segment == 1);
  CHECK(e.other == 0);
}

TEST_CASE("Writable and executable segment is rejected") {
  auto b = ElfBuilder::kernel(2);
  b.segment(1).flags = kRW | kRX;
  Error e = rejection(b);
  CHECK(e.problem == Problem::SegmentWritableAndExecutable);
  CHECK(e.segment == 1);
}

TEST_CASE("Entry point in a non-executable segment is rejected") {
  auto b = ElfBuilder::kernel(2);
  b.header().entry = kKernelBase + 0x1000;  // segment 1, read-only
  Error e = rejection(b);
  CHECK(e.problem == Problem::EntryNotExecutable);
  CHECK(e.value == kKernelBase + 0x1000);
}

TEST_CASE("Entry point just past the executable segment is rejected") {
  auto b = ElfBuilder::kernel(1);
  b.header().entry = kKernelBase + 0x1000;  // segment 0 is [base, base + 0x1000)
  CHECK(rejection(b).problem == Problem::EntryNotExecutable);
}

TEST_CASE("Entry point outside every segment is rejected") {
  auto b = ElfBuilder::kernel(2);
  b.header().entry = 0;
  CHECK(rejection(b).problem == Problem::EntryNotExecutable);
}

TEST_CASE("Image spanning more than the limit is rejected") {
  auto b = ElfBuilder::kernel(1);
  b.load(kKernelBase + 256 * libk::MiB, 0x2000, 0x10, 0x1000, kR);
  Error e = rejection(b);
  CHECK(e.problem == Problem::ImageTooLarge);
  CHECK(e.value == 256 * libk::MiB + kPage);
  CHECK(e.limit == 256 * libk::MiB);
}

// --- Names and messages -----------------------------------------------------------------------

TEST_CASE("Every problem has its own name") {
  std::set<std::string> names;
  for (u32 p = 0; p <= u32(kLastProblem); ++p) {
    std::string name = test::str(libk::elf::problem_name(Problem(p)));
    CHECK(name != "unknown");
    names.insert(name);
  }
  CHECK(names.size() == u32(kLastProblem) + 1);
}

TEST_CASE("Every problem has its own explanation") {
  std::set<std::string> texts;
  for (u32 p = 0; p <= u32(kLastProblem); ++p) {
    Error e{Problem(p), 3, 1, 0x1000, 0x2000};
    std::string text = test::format("{}", e);
    CHECK_THAT(text, !Catch::StartsWith("unknown ELF problem"));
    texts.insert(text);
  }
  CHECK(texts.size() == u32(kLastProblem) + 1);
}
