// The shell's tokens (sh/parser.hpp has the language): words with their quoting checked,
// operators, newlines. Internal to libk/src/sh.
#pragma once

#include <sh/parser.hpp>

namespace sh::detail {

enum class TokenKind : u8 {
  Word,
  Newline,
  Semi,      // ;
  Amp,       // &
  AndIf,     // &&
  Pipe,      // |
  OrIf,      // ||
  Less,      // <
  Great,     // >
  DGreat,    // >>
  LessAnd,   // <&
  GreatAnd,  // >&
  End,
};

struct Token {
  TokenKind kind;
  StringView text;  // the word, or the operator's characters
  u32 column;       // 1-based
  i32 io_number;    // redirection operators: the descriptor written before it, or -1
};

// The operator's spelling, for messages ("'|'"); "end of input" for End.
const char* token_name(TokenKind kind);
bool is_redirection(TokenKind kind);

class Lexer {
 public:
  explicit Lexer(StringView text) : text_(text) {}
  // The next token; errors for unterminated quotes (Incomplete) and bad characters.
  [[nodiscard]] libk::Result<Token, ParseError> next();

 private:
  void skip_blanks_and_comment();
  [[nodiscard]] libk::Result<usize, ParseError> scan_word(usize pos);
  [[nodiscard]] libk::Result<usize, ParseError> scan_single(usize pos);
  [[nodiscard]] libk::Result<usize, ParseError> scan_double(usize pos);
  [[nodiscard]] libk::Result<usize, ParseError> scan_dollar(usize pos);
  [[nodiscard]] libk::Result<Token, ParseError> operator_at(usize pos, i32 io_number);
  Token make(TokenKind kind, usize start, usize length, i32 io_number = -1);

  StringView text_;
  usize pos_ = 0;
  bool continued_to_end_ = false;  // the last blank skipped was a backslash-newline at the end
};

// True for a character that ends an unquoted word.
constexpr bool is_metachar(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '&' || c == '|' || c == '<' ||
         c == '>' || c == '(' || c == ')';
}

constexpr bool is_name_start(char c) {
  return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
constexpr bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }
constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }

// A descriptor number of at most kMaxFd written in decimal; false otherwise.
bool parse_fd(StringView digits, u32& out);

}  // namespace sh::detail
