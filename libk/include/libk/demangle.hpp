// A small demangler for the function names in Ember's own backtraces (Itanium C++ ABI
// §5.1 "Mangling"). It handles what most kernel frames are: plain and nested names
// (`_ZN6kernel12_GLOBAL__N_14idleEv` -> `kernel::(anonymous namespace)::idle`), `std::`,
// internal-linkage names, constructors, destructors and common operators, and it prints the
// name only, without parameter types. Anything else (templates, local names, lambdas,
// substitutions in the name) is declined, and the caller shows the mangled name.
//
// Symbol names come from an untrusted file: the parser reads strictly within the view.
#pragma once

#include <libk/format.hpp>
#include <libk/string_view.hpp>

namespace libk {

// Writes the demangled name of `mangled` to `out` and returns true, or writes nothing and
// returns false if the name is not one this demangler understands.
bool demangle(StringView mangled, Sink& out);

// Writes the demangled name if possible, else `mangled` unchanged.
void write_symbol_name(Sink& out, StringView mangled);

}  // namespace libk
