// The kernel command line: space-separated `key=value` pairs and bare flags. A value may be
// double-quoted to contain spaces: `greeting="hello world"`. Untrusted; malformed tokens
// (an unterminated quote, an empty key) are reported by validate() and skipped by lookups.
#pragma once

#include <libk/optional.hpp>
#include <libk/string_view.hpp>

namespace libk {

struct CmdlineToken {
  StringView key;
  StringView value;  // empty for a bare flag
  bool has_value;
};

enum class CmdlineProblem : u8 { UnterminatedQuote, EmptyKey, QuoteInKey };

class CommandLine {
 public:
  static constexpr usize kMaxLength = 4096;

  explicit CommandLine(StringView text) : text_(text.substr(0, kMaxLength)) {}

  StringView text() const { return text_; }

  // The value of the last `key=value` with this key (later settings override earlier ones).
  Optional<StringView> get(StringView key) const;
  // True if `key` appears as a bare flag or with any value.
  bool has(StringView key) const;

  // Calls f(const CmdlineToken&) for each well-formed token, in order.
  template <typename F>
  void for_each(F&& f) const {
    usize pos = 0;
    CmdlineToken token;
    CmdlineProblem problem;
    StringView raw;
    while (next(pos, token, raw, problem))
      if (!raw.empty()) f(token);
  }

  // Calls f(StringView raw_token, CmdlineProblem) for each malformed token.
  template <typename F>
  void for_each_problem(F&& f) const {
    usize pos = 0;
    CmdlineToken token;
    CmdlineProblem problem;
    StringView raw;
    while (next(pos, token, raw, problem))
      if (raw.empty()) f(token.key, problem);
  }

 private:
  // Advances over one token. On success `raw` is the token text; on a malformed token
  // `raw` is empty, `token.key` holds the offending text and `problem` says why.
  bool next(usize& pos, CmdlineToken& token, StringView& raw, CmdlineProblem& problem) const;

  StringView text_;
};

StringView cmdline_problem_text(CmdlineProblem p);

}  // namespace libk
