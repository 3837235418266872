// libk/elf.hpp: the position-independent kernel's dynamic segment and relocations, validated
// entry by entry and applied at a slide (KASLR).
#include <catch2/catch.hpp>
#include <cstring>
#include <vector>

#include <libk/elf.hpp>

#include "elf_builder.hpp"
#include "string_sink.hpp"

using libk::elf::Error;
using libk::elf::LoadPlan;
using libk::elf::Problem;
using libk::elf::validate_kernel;
using test::ElfBuilder;
using test::kKernelBase;

namespace {

constexpr u64 kPage = libk::kPageSize;
// ElfBuilder::kernel(3): text at +0 (RX), rodata at +0x1000 (R), data at +0x2000 (RW).
constexpr u64 kText = kKernelBase, kRodata = kKernelBase + kPage, kData = kKernelBase + 2 * kPage;

Error rejection(const ElfBuilder& b) {
  auto file = b.build();
  auto result = validate_kernel(test::bytes_of(file));
  REQUIRE_FALSE(result.ok());
  return result.error();
}

LoadPlan accepted(const std::vector<u8>& file) {
  auto result = validate_kernel(test::bytes_of(file));
  if (!result.ok()) FAIL("rejected: " << test::format("{}", result.error()));
  return result.value();
}

// The image as the loader lays it out: each segment's file bytes at its place, the rest zero.
std::vector<u8> load(const LoadPlan& plan, const std::vector<u8>& file) {
  std::vector<u8> image(plan.span(), 0);
  for (const auto& s : plan.loadable())
    std::memcpy(image.data() + (s.vaddr - plan.image_begin), file.data() + s.offset, s.filesz);
  return image;
}

u64 word_at(const std::vector<u8>& image, const LoadPlan& plan, u64 vaddr) {
  u64 v;
  std::memcpy(&v, image.data() + (vaddr - plan.image_begin), sizeof(v));
  return v;
}

}  // namespace

TEST_CASE("Kernel with relative relocations is accepted and the table located") {
  auto b = ElfBuilder::kernel(3);
  b.relocate(kData, i64(kText + 0x10));
  b.relocate(kRodata + 0x808, i64(kData + 0x20));  // past rodata's file bytes: in its zero fill
  auto file = b.build();
  LoadPlan plan = accepted(file);
  CHECK(plan.relocation_count == 2);
  CHECK(plan.relocations_offset == b.segment(0).offset + ElfBuilder::kRelaOffsetInSegment);
}

TEST_CASE("Kernel without relocations is accepted") {
  LoadPlan plan = accepted(ElfBuilder::kernel(2).build());
  CHECK(plan.relocation_count == 0);
}

TEST_CASE("Relocations applied at a slide hold the slid addresses; the rest is untouched") {
  auto b = ElfBuilder::kernel(3);
  b.relocate(kData, i64(kText + 0x10));
  b.relocate(kData + 8, i64(kData + 0x800));
  b.relocate(kRodata + 0x7f8, i64(kRodata));  // the last word of rodata's file bytes
  auto file = b.build();
  LoadPlan plan = accepted(file);
  auto image = load(plan, file);
  auto before = image;
  constexpr u64 kSlide = 0x3a20'0000;  // a 2 MiB multiple, as the loader picks
  libk::elf::apply_relocations(plan, test::bytes_of(file), {image.data(), image.size()}, kSlide);
  CHECK(word_at(image, plan, kData) == kText + 0x10 + kSlide);
  CHECK(word_at(image, plan, kData + 8) == kData + 0x800 + kSlide);
  CHECK(word_at(image, plan, kRodata + 0x7f8) == kRodata + kSlide);
  usize changed = 0;
  for (usize i = 0; i < image.size(); ++i) changed += image[i] != before[i];
  CHECK(changed <= 24);  // only the three words
}

TEST_CASE("Relocations at slide zero reproduce the link-time values") {
  auto b = ElfBuilder::kernel(3);
  b.relocate(kData + 16, i64(kText + 0x123));
  auto file = b.build();
  LoadPlan plan = accepted(file);
  auto image = load(plan, file);
  libk::elf::apply_relocations(plan, test::bytes_of(file), {image.data(), image.size()}, 0);
  CHECK(word_at(image, plan, kData + 16) == kText + 0x123);
}

TEST_CASE("Relocation of another type is rejected with its index") {
  auto b = ElfBuilder::kernel(3);
  b.relocate(kData, 0);
  b.relocate(kData + 8, 0, 1);  // R_X86_64_64 needs a symbol value the loader does not have
  Error e = rejection(b);
  CHECK(e.problem == Problem::RelocationBadType);
  CHECK(e.value == 1);
  CHECK(e.limit == 1);
  CHECK(test::format("{}", e) == "relocation 1 has type 1, need R_X86_64_RELATIVE = 8");
}

TEST_CASE("Relocation naming a symbol is rejected") {
  auto b = ElfBuilder::kernel(3);
  b.relocate(kData, 0, libk::elf::kRelocationRelative, 5);
  Error e = rejection(b);
  CHECK(e.problem == Problem::RelocationWithSymbol);
  CHECK(e.limit == 5);
}

TEST_CASE("Relocation patching text is rejected (W^X from the first instruction)") {
  auto b = ElfBuilder::kernel(3);
  b.relocate(kText + 0x100, 0);
  Error e = rejection(b);
  CHECK(e.problem == Problem::RelocationOutsideData);
  CHECK(test::format("{}", e) ==
        "relocation 0 patches 0xffffffff80000100, outside every "
        "non-executable segment");
}

TEST_CASE("Relocation outside the image or straddling a segment's end is rejected") {
  for (u64 offset : {kKernelBase + 16 * kPage, kData + 0xffc, kKernelBase - 8, u64(0)}) {
    auto b = ElfBuilder::kernel(3);
    b.relocate(offset, 0);
    INFO("offset " << std::hex << offset);
    CHECK(rejection(b).problem == Problem::RelocationOutsideData);
  }
}

TEST_CASE("Relocation table outside every segment's file bytes is rejected") {
  auto b = ElfBuilder::kernel(3);
  b.extra_dynamic().push_back({libk::elf::kDtRela, kKernelBase + 0x10'0000});
  b.extra_dynamic().push_back({libk::elf::kDtRelaSize, 24});
  CHECK(rejection(b).problem == Problem::RelocationTableOutsideFile);
  // In a segment's zero fill (beyond p_filesz) there are no bytes to read either.
  auto fill = ElfBuilder::kernel(3);
  fill.extra_dynamic().push_back({libk::elf::kDtRela, kData + 0x900});
  fill.extra_dynamic().push_back({libk::elf::kDtRelaSize, 24});
  CHECK(rejection(fill).problem == Problem::RelocationTableOutsideFile);
}

TEST_CASE("Relocation table of a partial entry, or a huge size, is rejected") {
  for (u64 size : {u64(25), ~u64{0} - 7, u64(1) << 40}) {
    auto b = ElfBuilder::kernel(3);
    b.extra_dynamic().push_back({libk::elf::kDtRela, kText + 0x400});
    b.extra_dynamic().push_back({libk::elf::kDtRelaSize, size});
    INFO("DT_RELASZ " << size);
    CHECK(rejection(b).problem == Problem::RelocationTableOutsideFile);
  }
}

TEST_CASE("DT_RELAENT other than 24 is rejected") {
  auto b = ElfBuilder::kernel(3);
  b.extra_dynamic().push_back({libk::elf::kDtRelaEntrySize, 16});
  Error e = rejection(b);
  CHECK(e.problem == Problem::BadRelocationEntrySize);
  CHECK(e.value == 16);
}

TEST_CASE("REL, JMPREL and RELR tables are rejected; empty ones are not") {
  using namespace libk::elf;
  for (i64 tag : {kDtRel, kDtJmpRel}) {
    auto b = ElfBuilder::kernel(3);
    b.extra_dynamic().push_back({tag, kData});
    CHECK(rejection(b).problem == Problem::UnsupportedRelocationTable);
  }
  for (i64 tag : {kDtRelSize, kDtPltRelSize, kDtRelrSize}) {
    auto b = ElfBuilder::kernel(3);
    b.extra_dynamic().push_back({tag, 0});
    CHECK(validate_kernel(test::bytes_of(b.build())).ok());
    b.extra_dynamic().back().value = 8;
    CHECK(rejection(b).problem == Problem::UnsupportedRelocationTable);
  }
}

TEST_CASE("Kernel that needs a library is rejected") {
  auto b = ElfBuilder::kernel(2);
  b.extra_dynamic().push_back({libk::elf::kDtNeeded, 1});
  CHECK(rejection(b).problem == Problem::NeedsLibraries);
}

TEST_CASE("Kernel without PT_DYNAMIC, or with two, is rejected") {
  auto none = ElfBuilder::kernel(2);
  none.without_dynamic();
  CHECK(rejection(none).problem == Problem::NoDynamicSegment);
  CHECK(test::format("{}", rejection(none)) == "no PT_DYNAMIC segment (link the kernel with -pie)");
  auto two = ElfBuilder::kernel(2);
  two.add({libk::elf::kProgramDynamic, test::kR, 0, 0, 0, 0, 0, 8});
  CHECK(rejection(two).problem == Problem::TooManyDynamicSegments);
}

TEST_CASE("Kernel with an interpreter is rejected") {
  auto b = ElfBuilder::kernel(2);
  b.add({libk::elf::kProgramInterp, test::kR, 0x40, 0, 0, 8, 8, 1});
  Error e = rejection(b);
  CHECK(e.problem == Problem::HasInterpreter);
  CHECK(e.segment == 2);
}

TEST_CASE("Dynamic segment past end of file or without DT_NULL is rejected") {
  auto open = ElfBuilder::kernel(2);
  open.without_dt_null();
  CHECK(rejection(open).problem == Problem::DynamicNotTerminated);
  auto file = ElfBuilder::kernel(2).build();
  // PT_DYNAMIC is program header 2; move its entries to the last 8 bytes of the file.
  u64 offset = file.size() - 8;
  std::memcpy(file.data() + 64 + 2 * sizeof(libk::elf::ProgramHeader) + 8, &offset, 8);
  auto result = validate_kernel(test::bytes_of(file));
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().problem == Problem::DynamicOutsideFile);
}
