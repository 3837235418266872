// libk/elf.hpp: validate_user_program, the kernel's check of a program before spawn maps it.
// Each rejection breaks one thing of an otherwise valid static executable.
#include <catch2/catch.hpp>

#include <libk/elf.hpp>

#include "elf_builder.hpp"
#include "string_sink.hpp"

using libk::elf::Problem;
using libk::elf::validate_user_program;
using test::ElfBuilder;
using test::kR;
using test::kRW;
using test::kRX;

namespace {

constexpr u64 kUserBase = 0x40'0000;
constexpr u64 kPage = libk::kPageSize;

// A valid program: text, rodata, data on consecutive pages from 4 MiB, ET_EXEC, no
// PT_DYNAMIC.
ElfBuilder program() {
  ElfBuilder b;
  b.header().type = libk::elf::kTypeExec;
  b.header().entry = kUserBase + 0x10;
  b.without_dynamic();
  b.load(kUserBase, kPage, 0x800, 0x1000, kRX);
  b.load(kUserBase + kPage, 2 * kPage, 0x800, 0x1000, kR);
  b.load(kUserBase + 2 * kPage, 3 * kPage, 0x10, 0x3000, kRW);  // data + bss
  return b;
}

Problem rejection(const ElfBuilder& b) {
  auto file = b.build();
  auto r = validate_user_program(test::bytes_of(file));
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(test::format("{}", r.error()), !Catch::StartsWith("unknown"));
  return r.error().problem;
}

}  // namespace

TEST_CASE("user ELF: a static executable in the user window is accepted") {
  auto file = program().build();
  auto r = validate_user_program(test::bytes_of(file));
  if (!r.ok()) FAIL(test::format("{}", r.error()));
  CHECK(r.value().entry == kUserBase + 0x10);
  CHECK(r.value().segment_count == 3);
  CHECK(r.value().image_begin == kUserBase);
  CHECK(r.value().image_end == kUserBase + 5 * kPage);
  CHECK(r.value().relocation_count == 0);
}

TEST_CASE("user ELF: a position-independent (ET_DYN) file is refused") {
  auto b = program();
  b.header().type = libk::elf::kTypeDyn;
  CHECK(rejection(b) == Problem::NotStaticExecutable);
}

TEST_CASE("user ELF: a kernel is not a user program, and a user program is not a kernel") {
  auto kernel = ElfBuilder::kernel(2).build();
  auto as_user = validate_user_program(test::bytes_of(kernel));
  REQUIRE_FALSE(as_user.ok());
  CHECK(as_user.error().problem == Problem::NotStaticExecutable);
  auto user = program().build();
  auto as_kernel = libk::elf::validate_kernel(test::bytes_of(user));
  REQUIRE_FALSE(as_kernel.ok());
  CHECK(as_kernel.error().problem == Problem::NotPositionIndependent);
}

TEST_CASE("user ELF: segments in the kernel half, the null page or past 4 GiB are refused") {
  const u64 bad[] = {0xffff'ffff'8000'0000, 0xffff'8000'0000'0000, 0, 0x1000, 0x3f'f000,
                     0x1'0000'0000,         0x0000'7fff'ffff'0000};
  for (u64 vaddr : bad) {
    auto b = program();
    b.segment(1).vaddr = vaddr;
    CAPTURE(vaddr);
    CHECK(rejection(b) == Problem::SegmentOutsideUserWindow);
  }
  auto b = program();
  b.segment(2).memsz = 0x1'0000'0000;  // bss reaching past the window
  CHECK(rejection(b) == Problem::SegmentOutsideUserWindow);
}

TEST_CASE("user ELF: an interpreter or a dynamic segment is refused") {
  auto b = program();
  b.add({libk::elf::kProgramInterp, kR, 0x40, 0, 0, 0x10, 0x10, 1});
  CHECK(rejection(b) == Problem::HasInterpreter);
  auto d = program();
  d.add({libk::elf::kProgramDynamic, kR, 0x40, 0, 0, 0x10, 0x10, 8});
  CHECK(rejection(d) == Problem::HasDynamicSegment);
}

TEST_CASE("user ELF: W^X, shared pages and the entry point hold as for kernels") {
  auto wx = program();
  wx.segment(2).flags = kRW | kRX;
  CHECK(rejection(wx) == Problem::SegmentWritableAndExecutable);
  auto share = program();
  share.segment(0).memsz = 0x800;
  share.segment(1).vaddr = kUserBase + 0x900;  // on text's page, read-only
  share.segment(1).offset = 2 * kPage + 0x900;
  CHECK(rejection(share) == Problem::SegmentsSharePage);
  auto entry = program();
  entry.header().entry = kUserBase + 2 * kPage;  // in data
  CHECK(rejection(entry) == Problem::EntryNotExecutable);
  auto past = program();
  past.segment(0).filesz = 0x100000;
  CHECK(rejection(past) == Problem::SegmentPastEndOfFile);
}
