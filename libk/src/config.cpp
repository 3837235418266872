#include <libk/config.hpp>

namespace libk {

StringView config_problem_text(ConfigProblem p) {
  switch (p) {
    case ConfigProblem::MissingEquals: return "expected 'key = value'";
    case ConfigProblem::EmptyKey: return "empty key before '='";
    case ConfigProblem::ControlCharacter: return "control character in line";
  }
  return "malformed line";
}

namespace config_detail {

bool has_control_character(StringView line) {
  for (char c : line) {
    u8 b = u8(c);
    if ((b < 0x20 && c != '\t' && c != '\r') || b == 0x7F) return true;
  }
  return false;
}

StringView unquote(StringView value) {
  if (value.size() >= 2 && value[0] == '"' && value[value.size() - 1] == '"')
    return value.substr(1, value.size() - 2);
  return value;
}

}  // namespace config_detail

Optional<Resolution> parse_resolution(StringView text) {
  usize x = text.find('x');
  if (x == StringView::npos) return nullopt;
  u64 w = 0, h = 0;
  if (!parse_u64(text.substr(0, x), w) || !parse_u64(text.substr(x + 1), h)) return nullopt;
  if (w == 0 || h == 0 || w > 65535 || h > 65535) return nullopt;
  return Resolution{u32(w), u32(h)};
}

}  // namespace libk
