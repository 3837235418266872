#include <libk/shell.hpp>

namespace libk::shell {

namespace {

using Fail = Unexpected<TokenizeError>;

bool separator(char c) { return c == ' ' || c == '\t'; }

// Builds words into a fixed buffer; each word ends where the next starts.
class WordBuilder {
 public:
  WordBuilder(char* storage, usize capacity) : storage_(storage), capacity_(capacity) {}
  bool put(char c) {
    if (used_ == capacity_) return false;
    storage_[used_++] = c;
    return true;
  }
  StringView finish() {
    StringView word(storage_ + start_, used_ - start_);
    start_ = used_;
    return word;
  }

 private:
  char* storage_;
  usize capacity_;
  usize used_ = 0;
  usize start_ = 0;
};

}  // namespace

StringView tokenize_error_text(TokenizeError e) {
  switch (e) {
    case TokenizeError::UnterminatedQuote: return "unterminated quote";
    case TokenizeError::TrailingBackslash: return "backslash at the end of the line";
    case TokenizeError::TooManyWords: return "too many words (at most 16)";
    case TokenizeError::TooLong: return "line too long";
  }
  return "?";
}

Result<void, TokenizeError> tokenize(StringView line, Words& out) {
  out.words_.clear();
  WordBuilder word(out.storage_, kMaxLine);
  bool in_word = false;
  char quote = 0;
  for (usize i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (!quote && separator(c)) {
      if (in_word && !out.words_.push_back(word.finish())) return Fail{TokenizeError::TooManyWords};
      in_word = false;
      continue;
    }
    in_word = true;
    if (quote && c == quote) {
      quote = 0;
      continue;
    }
    if (!quote && (c == '"' || c == '\'')) {
      quote = c;
      continue;
    }
    if (c == '\\' && quote != '\'') {
      if (++i == line.size()) return Fail{TokenizeError::TrailingBackslash};
      c = line[i];
    }
    if (!word.put(c)) return Fail{TokenizeError::TooLong};
  }
  if (quote) return Fail{TokenizeError::UnterminatedQuote};
  if (in_word && !out.words_.push_back(word.finish())) return Fail{TokenizeError::TooManyWords};
  return {};
}

usize edit_distance(StringView a, StringView b, usize cap) {
  constexpr usize kMax = 32;
  if (a.size() > kMax || b.size() > kMax) return cap + 1;
  usize diff = a.size() > b.size() ? a.size() - b.size() : b.size() - a.size();
  if (diff > cap) return cap + 1;
  // Three rows of the dynamic-programming table: i-2, i-1 and i, rotated each step.
  usize rows[3][kMax + 1] = {};
  usize* prev2 = rows[0];
  usize* prev = rows[1];
  usize* cur = rows[2];
  for (usize j = 0; j <= b.size(); ++j) prev[j] = j;
  for (usize i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (usize j = 1; j <= b.size(); ++j) {
      usize cost = a[i - 1] == b[j - 1] ? 0 : 1;
      usize best = min(min(prev[j] + 1, cur[j - 1] + 1), prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        best = min(best, prev2[j - 2] + 1);
      cur[j] = best;
    }
    usize* oldest = prev2;
    prev2 = prev;
    prev = cur;
    cur = oldest;
  }
  usize d = prev[b.size()];
  return d > cap ? cap + 1 : d;
}

const Command* Dispatcher::find(StringView name) const {
  for (const Command& c : commands_)
    if (c.name == name) return &c;
  return nullptr;
}

const Command* Dispatcher::closest(StringView name) const {
  // A typo costs one edit per three letters, at least one; a command the name starts
  // (`shut` for `shutdown`) counts as close too.
  usize cap = name.size() / 3 > 1 ? name.size() / 3 : 1;
  const Command* best = nullptr;
  usize best_distance = cap + 1;
  for (const Command& c : commands_) {
    usize d = edit_distance(name, c.name, cap);
    if (d < best_distance) best = &c, best_distance = d;
  }
  if (best) return best;
  for (const Command& c : commands_)
    if (name.size() >= 2 && c.name.starts_with(name)) return &c;
  return nullptr;
}

void Dispatcher::print_usage(const Command& c, Sink& out) const {
  format_to(out, "usage: {}{}{}\n", c.name, c.arguments.empty() ? "" : " ", c.arguments);
}

void Dispatcher::print_command_help(const Command& c, Sink& out) const {
  print_usage(c, out);
  format_to(out, "{}\n", c.summary);
  if (!c.details.empty()) format_to(out, "{}\n", c.details);
}

void Dispatcher::print_help(Sink& out) const {
  usize width = 4;  // "help"
  for (const Command& c : commands_) width = max(width, c.name.size());
  for (const Command& c : commands_) {
    format_to(out, "  {}", c.name);
    for (usize i = c.name.size(); i < width + 2; ++i) out.put(' ');
    format_to(out, "{}\n", c.summary);
  }
  out.write("Type 'help NAME' for more about a command.\n");
}

void Dispatcher::report_unknown(StringView name, Sink& out) const {
  format_to(out, "{}: command not found", name);
  if (const Command* near = closest(name)) format_to(out, "; did you mean '{}'?", near->name);
  out.write(" (type 'help' for the list)\n");
}

Status Dispatcher::help(Span<const StringView> args, Sink& out) const {
  if (args.empty()) {
    print_help(out);
    return Status::Ok;
  }
  if (const Command* c = find(args[0])) {
    print_command_help(*c, out);
    return Status::Ok;
  }
  report_unknown(args[0], out);
  return Status::Unknown;
}

Status Dispatcher::execute(StringView line, Sink& out, void* context) const {
  Words words;
  if (auto r = tokenize(line, words); !r) {
    format_to(out, "error: {}\n", tokenize_error_text(r.error()));
    return Status::BadArguments;
  }
  if (words.empty()) return Status::Ok;
  Span<const StringView> args = words.all().subspan(1);
  if (words[0] == "help") return help(args, out);
  const Command* c = find(words[0]);
  if (!c && fallback_) {
    Status s = fallback_(words.all(), out, context);
    if (s != Status::Unknown) return s;
  }
  if (!c) {
    report_unknown(words[0], out);
    return Status::Unknown;
  }
  if (args.size() == 1 && (args[0] == "--help" || args[0] == "-h")) {
    print_command_help(*c, out);
    return Status::Ok;
  }
  if (args.size() < c->min_args || args.size() > c->max_args) {
    format_to(out, "{}: {}\n", c->name,
              args.size() < c->min_args ? "missing arguments" : "too many arguments");
    print_usage(*c, out);
    return Status::BadArguments;
  }
  Status s = c->run(Invocation{*c, args, out, context});
  if (s == Status::BadArguments) print_usage(*c, out);
  return s;
}

}  // namespace libk::shell
