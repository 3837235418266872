// Path names for the VFS (docs/processes.md, "Files"): an absolute path is normalised into
// its components, with "." dropped and ".." taking the previous component away (".." at the
// root stays at the root, as POSIX.1-2017 §4.13 "Pathname Resolution" says of "/.."). The
// result is written without a leading or trailing "/" ("/bin/../etc/motd" → "etc/motd", "/"
// → ""), the form the initrd's archive uses for its entries.
//
//   char buffer[libk::path::kMaxPath + 1];
//   auto n = libk::path::normalize("/bin/./../etc//motd", buffer);   // "etc/motd"
//
// Pure logic: no allocation, no globals; host-tested (tests/host/path_test.cpp), fuzzed
// (tests/fuzz/path_fuzz.cpp).
#pragma once

#include <libk/result.hpp>
#include <libk/span.hpp>
#include <libk/string_view.hpp>

namespace libk::path {

inline constexpr usize kMaxPath = 255;       // bytes of a path, without its NUL
inline constexpr usize kMaxComponent = 100;  // bytes of one name (USTAR's name field)

enum class Problem : u8 {
  Empty,        // ""
  Relative,     // does not start with "/" (normalize only; resolve takes a directory)
  TooLong,      // longer than kMaxPath, or a component longer than kMaxComponent
  BadCharacter  // a NUL byte or a control character in a name
};

StringView problem_name(Problem p);

// Normalises the absolute `path` into `out` (capacity at least kMaxPath + 1; NUL-terminated)
// and returns the result's length. A normalised path has no leading "/" and at most
// kMaxPath - 1 bytes, so that its absolute form fits in kMaxPath: a path relative to a deep
// directory that would grow past it is TooLong.
Result<usize, Problem> normalize(StringView path, Span<char> out);

// Normalises `path` into `out` like normalize, but a path not starting with "/" is taken
// relative to the directory `cwd` (normalised: "" is the root). The POSIX.1-2017 §4.13
// rules apply to the joined path, so ".." from the root stays there.
Result<usize, Problem> resolve(StringView cwd, StringView path, Span<char> out);

// Walks the components of a normalised path: "etc/motd" → "etc", "motd".
class Components {
 public:
  constexpr explicit Components(StringView normalized) : rest_(normalized) {}
  // The next component, or an empty view at the end.
  StringView next();

 private:
  StringView rest_;
};

// The last component of a normalised path ("etc/motd" → "motd", "" → "").
StringView base_name(StringView normalized);
// Everything before the last component ("etc/motd" → "etc", "motd" → "").
StringView parent(StringView normalized);
// If `path` (normalised) lies below the directory `dir` (normalised; "" is the root): true,
// and `rest` is the part below `dir` ("bin/x/y" in "bin" → "x/y"). False otherwise, and for
// `dir` itself.
bool inside(StringView dir, StringView path, StringView& rest);

}  // namespace libk::path
