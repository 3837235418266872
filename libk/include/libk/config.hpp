// Parser for the loader's configuration file (\boot\ember.conf), untrusted text:
//
//   # comment
//   kernel = \boot\ember.elf
//   cmdline = log=debug test=all
//   resolution = 1280x800
//
// One `key = value` per line; blank lines and lines starting with '#' are skipped; spaces
// around key and value are trimmed; a value in double quotes keeps its inner spaces.
#pragma once

#include <libk/optional.hpp>
#include <libk/string_view.hpp>

namespace libk {

enum class ConfigProblem : u8 { MissingEquals, EmptyKey, ControlCharacter };

StringView config_problem_text(ConfigProblem p);

struct ConfigLine {
  u32 number;  // 1-based
  StringView key;
  StringView value;
};

// Calls on_entry(const ConfigLine&) for each setting and on_problem(u32 line, ConfigProblem)
// for each malformed line (which is otherwise ignored).
template <typename OnEntry, typename OnProblem>
void parse_config(StringView text, OnEntry&& on_entry, OnProblem&& on_problem);

struct Resolution {
  u32 width;
  u32 height;
  bool operator==(const Resolution&) const = default;
};

// "1280x800" -> {1280, 800}; anything else (including 0 or > 65535 sides) -> nullopt.
Optional<Resolution> parse_resolution(StringView text);

namespace config_detail {
bool has_control_character(StringView line);
StringView unquote(StringView value);
}  // namespace config_detail

template <typename OnEntry, typename OnProblem>
void parse_config(StringView text, OnEntry&& on_entry, OnProblem&& on_problem) {
  u32 number = 0;
  usize pos = 0;
  while (pos < text.size()) {
    usize eol = text.find('\n', pos);
    if (eol == StringView::npos) eol = text.size();
    StringView line = text.substr(pos, eol - pos).trim();
    pos = eol + 1;
    ++number;
    if (line.empty() || line[0] == '#') continue;
    if (config_detail::has_control_character(line)) {
      on_problem(number, ConfigProblem::ControlCharacter);
      continue;
    }
    usize eq = line.find('=');
    if (eq == StringView::npos) {
      on_problem(number, ConfigProblem::MissingEquals);
      continue;
    }
    StringView key = line.substr(0, eq).trim();
    if (key.empty()) {
      on_problem(number, ConfigProblem::EmptyKey);
      continue;
    }
    on_entry(ConfigLine{number, key, config_detail::unquote(line.substr(eq + 1).trim())});
  }
}

}  // namespace libk
