#include <libk/path.hpp>

namespace libk::path {

namespace {

bool bad_byte(char c) { return u8(c) < 0x20 || c == 0x7f; }

// Appends one component to out[0, length): a "/" first unless it is the first one. The
// result's absolute form, with its leading "/", must fit in kMaxPath (getcwd returns it, and
// every path call takes it back).
Result<void, Problem> append(Span<char> out, usize& length, StringView name) {
  usize need = name.size() + (length ? 1 : 0);
  if (1 + length + need > kMaxPath || length + need >= out.size())
    return libk::unexpected(Problem::TooLong);
  if (length) out[length++] = '/';
  for (char c : name) out[length++] = c;
  return {};
}

// Drops the last component of out[0, length) (nothing at the root).
void pop(Span<char> out, usize& length) {
  while (length > 0 && out[length - 1] != '/') --length;
  if (length > 0) --length;  // the "/" before it
}

}  // namespace

StringView problem_name(Problem p) {
  switch (p) {
    case Problem::Empty: return "empty path";
    case Problem::Relative: return "not an absolute path";
    case Problem::TooLong: return "path too long";
    case Problem::BadCharacter: return "control character in a name";
  }
  return "unknown problem";
}

namespace {

// Applies the components of `path` to out[0, length): names appended, "." skipped, ".."
// taking one away.
Result<void, Problem> walk(StringView path, Span<char> out, usize& length) {
  usize at = 0;
  while (at < path.size()) {
    usize end = path.find('/', at);
    if (end == StringView::npos) end = path.size();
    StringView name = path.substr(at, end - at);
    at = end + 1;
    if (name.empty() || name == ".") continue;
    if (name == "..") {
      pop(out, length);
      continue;
    }
    if (name.size() > kMaxComponent) return libk::unexpected(Problem::TooLong);
    for (char c : name)
      if (bad_byte(c)) return libk::unexpected(Problem::BadCharacter);
    TRY(append(out, length, name));
  }
  if (out.size() == 0) return libk::unexpected(Problem::TooLong);
  out[length] = 0;
  return {};
}

}  // namespace

Result<usize, Problem> normalize(StringView path, Span<char> out) {
  if (path.empty()) return libk::unexpected(Problem::Empty);
  if (path[0] != '/') return libk::unexpected(Problem::Relative);
  return resolve({}, path, out);
}

Result<usize, Problem> resolve(StringView cwd, StringView path, Span<char> out) {
  if (path.empty()) return libk::unexpected(Problem::Empty);
  if (path.size() > kMaxPath) return libk::unexpected(Problem::TooLong);
  usize length = 0;
  if (path[0] != '/') {
    if (cwd.size() > kMaxPath || cwd.size() >= out.size())
      return libk::unexpected(Problem::TooLong);
    for (char c : cwd) out[length++] = c;
  }
  TRY(walk(path, out, length));
  return length;
}

StringView Components::next() {
  if (rest_.empty()) return {};
  usize slash = rest_.find('/');
  if (slash == StringView::npos) {
    StringView name = rest_;
    rest_ = {};
    return name;
  }
  StringView name = rest_.substr(0, slash);
  rest_ = rest_.substr(slash + 1);
  return name;
}

StringView base_name(StringView normalized) {
  for (usize i = normalized.size(); i > 0; --i)
    if (normalized[i - 1] == '/') return normalized.substr(i);
  return normalized;
}

StringView parent(StringView normalized) {
  for (usize i = normalized.size(); i > 0; --i)
    if (normalized[i - 1] == '/') return normalized.substr(0, i - 1);
  return {};
}

bool inside(StringView dir, StringView path, StringView& rest) {
  if (dir.empty()) {
    if (path.empty()) return false;
    rest = path;
    return true;
  }
  if (path.size() <= dir.size() + 1 || !path.starts_with(dir) || path[dir.size()] != '/')
    return false;
  rest = path.substr(dir.size() + 1);
  return true;
}

}  // namespace libk::path
