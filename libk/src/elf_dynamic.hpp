// Inside libk's ELF validator: the dynamic-segment and relocation checks (elf_relocations.cpp)
// that validate_kernel (elf.cpp) runs once the load segments are known.
#pragma once

#include <libk/elf.hpp>

namespace libk::elf::detail {

// Checks the PT_DYNAMIC segment `dynamic` (program header index `index`) and every relocation
// it lists against the segments in `plan`; records the table's place in `plan`.
Result<void, Error> check_dynamic(Bytes file, u16 index, const ProgramHeader& dynamic,
                                  LoadPlan& plan);

}  // namespace libk::elf::detail
