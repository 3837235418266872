// The kernel's dynamic segment and its relocations (libk/elf.hpp): checked entry by entry at
// validation, applied by the loader. Only what a static-pie kernel needs is accepted: one
// RELA table of R_X86_64_RELATIVE entries, no libraries, no other relocation tables.
#include "elf_dynamic.hpp"

namespace libk::elf {

namespace {

using Err = Unexpected<Error>;

Err fail(Problem p, u16 segment = 0, u64 value = 0, u64 limit = 0) {
  return {Error{p, segment, 0, value, limit}};
}

template <typename T>
T read_struct(Bytes file, u64 offset) {
  T out;
  __builtin_memcpy(&out, file.data() + offset, sizeof(T));
  return out;
}

struct RelaTable {
  u64 address = 0;  // DT_RELA, a link address
  u64 size = 0;     // DT_RELASZ, bytes
  u64 entry_size = sizeof(Rela);
  bool present = false;
};

// Refuses what the loader cannot honour: libraries to load, other relocation formats.
Result<void, Error> check_tag(u16 index, const DynamicEntry& d, RelaTable& rela) {
  switch (d.tag) {
    case kDtNeeded: return fail(Problem::NeedsLibraries, index, d.value);
    case kDtRel:
    case kDtJmpRel: return fail(Problem::UnsupportedRelocationTable, index, u64(d.tag));
    case kDtRelSize:
    case kDtPltRelSize:
    case kDtRelrSize:
      if (d.value != 0) return fail(Problem::UnsupportedRelocationTable, index, u64(d.tag));
      return {};
    case kDtRela: rela.address = d.value, rela.present = true; return {};
    case kDtRelaSize: rela.size = d.value; return {};
    case kDtRelaEntrySize: rela.entry_size = d.value; return {};
    default: return {};  // informational (DT_FLAGS, DT_DEBUG, symbol and hash tables)
  }
}

Result<RelaTable, Error> read_dynamic(Bytes file, u16 index, const ProgramHeader& dynamic) {
  if (!file.contains_range(dynamic.offset, dynamic.filesz))
    return fail(Problem::DynamicOutsideFile, index, dynamic.offset, file.size());
  RelaTable rela;
  for (u64 at = 0; at + sizeof(DynamicEntry) <= dynamic.filesz; at += sizeof(DynamicEntry)) {
    auto d = read_struct<DynamicEntry>(file, dynamic.offset + at);
    if (d.tag == kDtNull) {
      if (rela.entry_size != sizeof(Rela))
        return fail(Problem::BadRelocationEntrySize, index, rela.entry_size, sizeof(Rela));
      return rela;
    }
    TRY(check_tag(index, d, rela));
  }
  return fail(Problem::DynamicNotTerminated, index);
}

// The segment whose file bytes hold [vaddr, vaddr + size), if any.
const Segment* segment_holding_file_bytes(const LoadPlan& plan, u64 vaddr, u64 size) {
  for (const Segment& s : plan.loadable())
    if (vaddr >= s.vaddr && vaddr - s.vaddr <= s.filesz && size <= s.filesz - (vaddr - s.vaddr))
      return &s;
  return nullptr;
}

// A relocation patches 8 bytes that must lie inside one non-executable segment: text is
// never written (W^X holds from the first instruction).
bool patches_data(const LoadPlan& plan, u64 offset) {
  for (const Segment& s : plan.loadable())
    if (!s.executable() && offset >= s.vaddr && offset - s.vaddr <= s.memsz &&
        s.memsz - (offset - s.vaddr) >= sizeof(u64))
      return true;
  return false;
}

Result<void, Error> check_entries(Bytes file, u16 index, const LoadPlan& plan) {
  for (u64 i = 0; i < plan.relocation_count; ++i) {
    auto r = read_struct<Rela>(file, plan.relocations_offset + i * sizeof(Rela));
    if (r.type() != kRelocationRelative)
      return fail(Problem::RelocationBadType, index, i, r.type());
    if (r.symbol() != 0) return fail(Problem::RelocationWithSymbol, index, i, r.symbol());
    if (!patches_data(plan, r.offset))
      return fail(Problem::RelocationOutsideData, index, i, r.offset);
  }
  return {};
}

}  // namespace

namespace detail {

Result<void, Error> check_dynamic(Bytes file, u16 index, const ProgramHeader& dynamic,
                                  LoadPlan& plan) {
  RelaTable rela = TRY(read_dynamic(file, index, dynamic));
  if (!rela.present || rela.size == 0) return {};  // nothing to relocate
  const Segment* holder = segment_holding_file_bytes(plan, rela.address, rela.size);
  if (holder == nullptr || rela.size % sizeof(Rela) != 0)
    return fail(Problem::RelocationTableOutsideFile, index, rela.address, rela.size);
  plan.relocations_offset = holder->offset + (rela.address - holder->vaddr);
  plan.relocation_count = rela.size / sizeof(Rela);
  return check_entries(file, index, plan);
}

}  // namespace detail

void apply_relocations(const LoadPlan& plan, Bytes file, MutableBytes image, u64 slide) {
  VERIFY(image.size() == plan.span());
  VERIFY(file.contains_range(plan.relocations_offset, plan.relocation_count * sizeof(Rela)));
  for (u64 i = 0; i < plan.relocation_count; ++i) {
    auto r = read_struct<Rela>(file, plan.relocations_offset + i * sizeof(Rela));
    u64 at = r.offset - plan.image_begin;
    VERIFY(image.contains_range(at, sizeof(u64)));  // validate_kernel checked it
    u64 value = u64(r.addend) + slide;              // B + A, B being the slide (psABI §4.4)
    __builtin_memcpy(image.data() + at, &value, sizeof(value));
  }
}

}  // namespace libk::elf
