#include <libk/cmdline.hpp>

namespace libk {

bool CommandLine::next(usize& pos, CmdlineToken& token, StringView& raw,
                       CmdlineProblem& problem) const {
  while (pos < text_.size() && StringView::is_space(text_[pos])) ++pos;
  if (pos >= text_.size()) return false;
  usize begin = pos;
  bool in_quote = false;
  while (pos < text_.size() && (in_quote || !StringView::is_space(text_[pos]))) {
    if (text_[pos] == '"') in_quote = !in_quote;
    ++pos;
  }
  StringView whole = text_.substr(begin, pos - begin);
  raw = {};
  token = {whole, {}, false};
  if (in_quote) {
    problem = CmdlineProblem::UnterminatedQuote;
    return true;
  }
  usize eq = whole.find('=');
  StringView key = eq == StringView::npos ? whole : whole.substr(0, eq);
  if (key.empty()) {
    problem = CmdlineProblem::EmptyKey;
    return true;
  }
  if (key.find('"') != StringView::npos) {
    problem = CmdlineProblem::QuoteInKey;
    return true;
  }
  token.key = key;
  if (eq != StringView::npos) {
    StringView value = whole.substr(eq + 1);
    if (value.size() >= 2 && value[0] == '"' && value[value.size() - 1] == '"')
      value = value.substr(1, value.size() - 2);
    token.value = value;
    token.has_value = true;
  }
  raw = whole;
  return true;
}

Optional<StringView> CommandLine::get(StringView key) const {
  Optional<StringView> found;
  for_each([&](const CmdlineToken& t) {
    if (t.key == key && t.has_value) found = t.value;
  });
  return found;
}

bool CommandLine::has(StringView key) const {
  bool found = false;
  for_each([&](const CmdlineToken& t) { found |= t.key == key; });
  return found;
}

StringView cmdline_problem_text(CmdlineProblem p) {
  switch (p) {
    case CmdlineProblem::UnterminatedQuote: return "unterminated quote";
    case CmdlineProblem::EmptyKey: return "empty key before '='";
    case CmdlineProblem::QuoteInKey: return "quote in key";
  }
  return "malformed token";
}

}  // namespace libk
