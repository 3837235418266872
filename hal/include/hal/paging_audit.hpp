// Reading a page-table hierarchy back: every present leaf with the access the whole walk
// grants, and the kernel's rules checked over all of them (docs/memory.md, "W^X"). Pure logic
// over hal::paging::TableMemory, so host tests audit fake tables and the kernel audits its
// live ones at boot.
#pragma once

#include <hal/paging.hpp>
#include <libk/optional.hpp>
#include <libk/string_view.hpp>

namespace hal::paging {

// One present leaf and its effective access (SDM Vol. 3A §4.6.1): with CR0.WP set, writable
// only if R/W = 1 at every level of the walk; user-accessible only if U/S = 1 at every level;
// executable unless XD = 1 at some level.
struct Leaf {
  u64 virt;  // canonical
  u64 physical;
  PageSize size;
  bool writable;
  bool executable;
  bool user;
};

class LeafVisitor {
 public:
  // Returns false to stop the walk.
  virtual bool visit(const Leaf& leaf) = 0;

 protected:
  ~LeafVisitor() = default;
};

// Visits every present leaf under the top-level table at `root`, in address order.
void for_each_leaf(TableMemory& memory, u64 root, LeafVisitor& visitor);

enum class AuditProblem : u8 {
  WritableAndExecutable,  // anywhere: W^X
  UserInKernelHalf,       // a kernel address that user mode could reach
};

libk::StringView audit_problem_text(AuditProblem p);

struct AuditFinding {
  AuditProblem problem;
  Leaf leaf;
};

struct AuditResult {
  u64 leaves;                            // present leaves seen (all of them when clean)
  libk::Optional<AuditFinding> finding;  // the first broken rule, in address order
};

// Checks every present leaf under `root`: none writable and executable, none in the kernel
// half (addresses with bit 63 set) user-accessible.
AuditResult audit_tables(TableMemory& memory, u64 root);

}  // namespace hal::paging
