// libFuzzer harness for the kernel-image validator and its user-program variant. On acceptance the
// LoadPlan must satisfy everything the loader relies on when it copies segments, relocates them and
// builds page tables (and the relocations are applied, under ASan, at a slide the input picks); on
// rejection the error must format. Any violation traps.
#include <stddef.h>
#include <stdint.h>
#include <vector>

#include <libk/elf.hpp>

namespace {

using libk::elf::LoadPlan;
using libk::elf::Segment;

void require(bool ok) {
  if (!ok) __builtin_trap();
}

void check_segment(const Segment& s, libk::Bytes file, const LoadPlan& plan) {
  u64 file_end = 0, mem_end = 0;
  require(libk::checked_add(s.offset, s.filesz, file_end) && file_end <= file.size());
  require(s.filesz <= s.memsz);
  require(s.memsz > 0);
  require(libk::checked_add(s.vaddr, s.memsz, mem_end));
  require(boot::layout::kKernelImage.contains_range(s.vaddr, s.memsz));
  require(plan.image_begin <= s.vaddr && mem_end <= plan.image_end);
  require(!(s.writable() && s.executable()));
  // The segment is what its program header says.
  libk::elf::FileHeader h;
  __builtin_memcpy(&h, file.data(), sizeof(h));
  require(s.index < h.phnum);
  libk::elf::ProgramHeader ph;
  __builtin_memcpy(&ph, file.data() + h.phoff + u64(s.index) * sizeof(ph), sizeof(ph));
  require(ph.type == libk::elf::kProgramLoad && ph.vaddr == s.vaddr && ph.memsz == s.memsz &&
          ph.offset == s.offset && ph.filesz == s.filesz && ph.flags == s.flags);
}

void check_pair(const Segment& a, const Segment& b) {
  require(a.index < b.index);  // program header order
  require(!libk::ranges_overlap(a.vaddr, a.vaddr + a.memsz, b.vaddr, b.vaddr + b.memsz));
  if (a.flags == b.flags) return;
  u64 a_begin = libk::align_down(a.vaddr, libk::kPageSize);
  u64 a_end = libk::align_up(a.vaddr + a.memsz, libk::kPageSize);
  u64 b_begin = libk::align_down(b.vaddr, libk::kPageSize);
  u64 b_end = libk::align_up(b.vaddr + b.memsz, libk::kPageSize);
  require(!libk::ranges_overlap(a_begin, a_end, b_begin, b_end));
}

void check_plan(const LoadPlan& plan, libk::Bytes file, const libk::elf::Limits& limits) {
  require(plan.segment_count >= 1 && plan.segment_count <= libk::elf::kMaxLoadSegments);
  require(libk::is_aligned(plan.image_begin, libk::kPageSize));
  require(libk::is_aligned(plan.image_end, libk::kPageSize));
  require(plan.image_begin < plan.image_end);
  require(plan.image_end - plan.image_begin <= limits.max_image_span);
  bool entry_ok = false;
  for (const Segment& s : plan.loadable()) {
    check_segment(s, file, plan);
    if (s.executable() && plan.entry >= s.vaddr && plan.entry - s.vaddr < s.memsz) entry_ok = true;
  }
  require(entry_ok);
  for (u16 i = 0; i < plan.segment_count; ++i)
    for (u16 j = u16(i + 1); j < plan.segment_count; ++j)
      check_pair(plan.segments[i], plan.segments[j]);
}

// Every relocation is R_X86_64_RELATIVE without a symbol and patches 8 bytes of one
// non-executable segment; applying them writes only there.
void check_relocations(const LoadPlan& plan, libk::Bytes file) {
  u64 table_bytes = 0;
  require(libk::checked_mul<u64>(plan.relocation_count, sizeof(libk::elf::Rela), table_bytes));
  require(file.contains_range(plan.relocations_offset, table_bytes));
  for (u64 i = 0; i < plan.relocation_count; ++i) {
    libk::elf::Rela r;
    __builtin_memcpy(&r, file.data() + plan.relocations_offset + i * sizeof(r), sizeof(r));
    require(r.type() == libk::elf::kRelocationRelative && r.symbol() == 0);
    bool inside = false;
    for (const Segment& s : plan.loadable())
      inside |= !s.executable() && r.offset >= s.vaddr && r.offset - s.vaddr + 8 <= s.memsz;
    require(inside);
  }
  if (plan.span() > 16 * libk::MiB) return;  // applying needs the whole image in memory
  std::vector<u8> image(plan.span());
  u64 slide = u64(file.size()) << 21;
  libk::elf::apply_relocations(plan, file, {image.data(), image.size()}, slide);
}

void check_error(const libk::elf::Error& e) {
  require(libk::elf::problem_name(e.problem) != "unknown");
  char text[256];
  libk::BufferSink sink(text, sizeof(text));
  libk::format_to(sink, "{}", e);
  require(sink.length() > 0 && text[sink.length()] == '\0');
}

// A user program the kernel accepts: segments in the user image window, W^X, the entry in
// an executable segment, nothing to relocate.
void check_user(libk::Bytes file) {
  auto result = libk::elf::validate_user_program(file);
  if (!result.ok()) return check_error(result.error());
  const LoadPlan& plan = result.value();
  require(plan.relocation_count == 0 && plan.segment_count >= 1);
  require(plan.span() <= libk::elf::kUserLimits.max_image_span);
  bool entry_ok = false;
  for (const Segment& s : plan.loadable()) {
    require(boot::layout::kUserImage.contains_range(s.vaddr, s.memsz));
    require(!(s.writable() && s.executable()));
    u64 file_end = 0;
    require(libk::checked_add(s.offset, s.filesz, file_end) && file_end <= file.size());
    if (s.executable() && plan.entry >= s.vaddr && plan.entry - s.vaddr < s.memsz) entry_ok = true;
  }
  require(entry_ok);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  libk::Bytes file(data, size);
  libk::elf::Limits limits;
  auto result = libk::elf::validate_kernel(file, limits);
  if (result.ok()) {
    check_plan(result.value(), file, limits);
    check_relocations(result.value(), file);
  } else
    check_error(result.error());
  check_user(file);
  return 0;
}
