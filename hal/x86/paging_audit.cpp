#include <hal/paging_audit.hpp>

namespace hal::paging {

namespace {

constexpr u32 kTopLevel = 4;
constexpr u32 kEntries = 512;

// Bits 47..63 copy bit 47 (SDM Vol. 3A §3.3.7.1).
u64 canonical(u64 va) { return va & (u64{1} << 47) ? va | 0xffff'0000'0000'0000ull : va; }

u64 level_shift(u32 level) { return 12 + 9 * (level - 1); }

PageSize leaf_size(u32 level) {
  return level == 3 ? PageSize::Size1G : level == 2 ? PageSize::Size2M : PageSize::Size4K;
}

// The access granted so far on the way down.
struct Path {
  bool writable = true;
  bool executable = true;
  bool user = true;
};

bool walk(TableMemory& memory, u64 table, u32 level, u64 base, Path path, LeafVisitor& visitor) {
  const u64* entries = memory.table_at(table);
  for (u32 i = 0; i < kEntries; ++i) {
    PageEntry e(entries[i]);
    if (!e.present()) continue;
    u64 va = canonical(base | u64(i) << level_shift(level));
    Path here{path.writable && e.writable(), path.executable && !e.no_execute(),
              path.user && e.user()};
    bool leaf = level == 1 || ((level == 2 || level == 3) && e.huge());
    if (!leaf) {
      if (!walk(memory, e.address(), level - 1, va, here, visitor)) return false;
      continue;
    }
    // A large page's address field has its PAT bit (12) below the frame address.
    u64 physical = level == 1 ? e.address() : e.address() & ~(page_bytes(leaf_size(level)) - 1);
    if (!visitor.visit({va, physical, leaf_size(level), here.writable, here.executable, here.user}))
      return false;
  }
  return true;
}

class Auditor final : public LeafVisitor {
 public:
  bool visit(const Leaf& leaf) override {
    ++result.leaves;
    if (leaf.writable && leaf.executable)
      result.finding = AuditFinding{AuditProblem::WritableAndExecutable, leaf};
    else if (leaf.user && (leaf.virt >> 63))
      result.finding = AuditFinding{AuditProblem::UserInKernelHalf, leaf};
    return !result.finding;
  }

  AuditResult result{0, libk::nullopt};
};

}  // namespace

void for_each_leaf(TableMemory& memory, u64 root, LeafVisitor& visitor) {
  walk(memory, root, kTopLevel, 0, Path{}, visitor);
}

AuditResult audit_tables(TableMemory& memory, u64 root) {
  Auditor auditor;
  for_each_leaf(memory, root, auditor);
  return auditor.result;
}

libk::StringView audit_problem_text(AuditProblem p) {
  switch (p) {
    case AuditProblem::WritableAndExecutable: return "writable and executable";
    case AuditProblem::UserInKernelHalf: return "user-accessible in the kernel half";
  }
  return "?";
}

}  // namespace hal::paging
