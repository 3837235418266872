// libFuzzer harness for path normalisation (libk/path.hpp): user programs hand the kernel
// any bytes as a path. A normalised result is short enough, has no empty, "." or ".."
// component and no control character, and normalising it again (with "/" in front) gives
// the same. The bytes also go to resolve, relative to a current directory made from the
// input's first part: its result has the same properties, and an absolute path resolves as
// normalize does. Any violation traps.
#include <stddef.h>
#include <stdint.h>

#include <libk/path.hpp>

namespace {

void require(bool ok) {
  if (!ok) __builtin_trap();
}

// A normalised `result` (NUL-terminated in out) has no empty, "." or ".." name and no control
// character.
void check_normalised(libk::StringView result, const char* out) {
  require(result.size() < libk::path::kMaxPath && out[result.size()] == 0);
  libk::path::Components components(result);
  for (auto name = components.next(); !name.empty(); name = components.next()) {
    require(name != "." && name != ".." && name.size() <= libk::path::kMaxComponent);
    for (char c : name) require(u8(c) >= 0x20 && c != 0x7f && c != '/');
  }
}

// Input "DIR\0PATH": PATH resolved against DIR normalised (when it is).
void check_resolve(libk::StringView input) {
  usize split = input.find('\0');
  if (split == libk::StringView::npos) return;
  char cwd[libk::path::kMaxPath + 1];
  auto c = libk::path::normalize(input.substr(0, split), cwd);
  if (!c) return;
  libk::StringView path = input.substr(split + 1);
  char out[libk::path::kMaxPath + 1];
  auto n = libk::path::resolve({cwd, c.value()}, path, out);
  if (!n) return;
  check_normalised({out, n.value()}, out);
  if (path.empty() || path[0] != '/') return;
  char absolute[libk::path::kMaxPath + 1];
  auto m = libk::path::normalize(path, absolute);
  require(m.ok() && libk::StringView(absolute, m.value()) == libk::StringView(out, n.value()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  libk::StringView path(reinterpret_cast<const char*>(data), size);
  check_resolve(path);
  char out[libk::path::kMaxPath + 1];
  auto n = libk::path::normalize(path, out);
  if (!n) {
    require(libk::path::problem_name(n.error()) != "unknown problem");
    return 0;
  }
  libk::StringView result(out, n.value());
  check_normalised(result, out);
  char again_in[libk::path::kMaxPath + 2] = {'/'};
  __builtin_memcpy(again_in + 1, out, result.size());
  char again[libk::path::kMaxPath + 1];
  auto m = libk::path::normalize({again_in, result.size() + 1}, again);
  require(m.ok() && m.value() == result.size());  // the absolute form always fits
  require(libk::StringView(again, m.value()) == result);
  return 0;
}
