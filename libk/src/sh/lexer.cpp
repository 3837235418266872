// The shell's lexer: XCU 2.3 token recognition, for the subset sh/parser.hpp describes.
#include "lexer.hpp"

namespace sh::detail {

namespace {

libk::Unexpected<ParseError> fail(ParseErrorKind kind, usize pos, const char* message) {
  return libk::unexpected(ParseError{kind, u32(pos + 1), message});
}

}  // namespace

const char* token_name(TokenKind kind) {
  switch (kind) {
    case TokenKind::Word: return "a word";
    case TokenKind::Newline: return "newline";
    case TokenKind::Semi: return "';'";
    case TokenKind::Amp: return "'&'";
    case TokenKind::AndIf: return "'&&'";
    case TokenKind::Pipe: return "'|'";
    case TokenKind::OrIf: return "'||'";
    case TokenKind::Less: return "'<'";
    case TokenKind::Great: return "'>'";
    case TokenKind::DGreat: return "'>>'";
    case TokenKind::LessAnd: return "'<&'";
    case TokenKind::GreatAnd: return "'>&'";
    case TokenKind::End: return "end of input";
  }
  return "?";
}

bool is_redirection(TokenKind kind) {
  return kind == TokenKind::Less || kind == TokenKind::Great || kind == TokenKind::DGreat ||
         kind == TokenKind::LessAnd || kind == TokenKind::GreatAnd;
}

bool parse_fd(StringView digits, u32& out) {
  if (digits.empty() || digits.size() > 3) return false;
  u32 value = 0;
  for (char c : digits) {
    if (!is_digit(c)) return false;
    value = value * 10 + u32(c - '0');
  }
  if (value > kMaxFd) return false;
  out = value;
  return true;
}

Token Lexer::make(TokenKind kind, usize start, usize length, i32 io_number) {
  pos_ = start + length;
  return Token{kind, text_.substr(start, length), u32(start + 1), io_number};
}

// Blanks, backslash-newline pairs (line continuations) and a comment up to its newline.
void Lexer::skip_blanks_and_comment() {
  for (;;) {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
    if (pos_ + 1 < text_.size() && text_[pos_] == '\\' && text_[pos_ + 1] == '\n') {
      pos_ += 2;
      continued_to_end_ = pos_ == text_.size();
      continue;
    }
    break;
  }
  if (pos_ < text_.size() && text_[pos_] == '#')
    while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
}

libk::Result<Token, ParseError> Lexer::next() {
  skip_blanks_and_comment();
  // A backslash-newline that ends the input continues the line on one not read yet.
  if (continued_to_end_)
    return fail(ParseErrorKind::Incomplete, text_.size() - 2, "a line continued after the input");
  if (pos_ >= text_.size()) return make(TokenKind::End, text_.size(), 0);
  usize start = pos_;
  char c = text_[start];
  if (c == '\n') return make(TokenKind::Newline, start, 1);
  if (is_metachar(c)) return operator_at(start, -1);
  usize end = TRY(scan_word(start));
  StringView word = text_.substr(start, end - start);
  bool digits_only = true;
  for (char d : word) digits_only = digits_only && is_digit(d);
  if (digits_only && end < text_.size() && (text_[end] == '<' || text_[end] == '>')) {
    u32 fd = 0;
    if (!parse_fd(word, fd))
      return fail(ParseErrorKind::Syntax, start, "descriptor number too large (at most 63)");
    return operator_at(end, i32(fd));
  }
  return make(TokenKind::Word, start, end - start);
}

libk::Result<Token, ParseError> Lexer::operator_at(usize pos, i32 io_number) {
  char c = text_[pos];
  char n = pos + 1 < text_.size() ? text_[pos + 1] : '\0';
  switch (c) {
    case ';': return make(TokenKind::Semi, pos, 1);
    case '&': return n == '&' ? make(TokenKind::AndIf, pos, 2) : make(TokenKind::Amp, pos, 1);
    case '|': return n == '|' ? make(TokenKind::OrIf, pos, 2) : make(TokenKind::Pipe, pos, 1);
    case '<':
      if (n == '<') return fail(ParseErrorKind::Syntax, pos, "here-documents are not supported");
      if (n == '&') return make(TokenKind::LessAnd, pos, 2, io_number);
      return make(TokenKind::Less, pos, 1, io_number);
    case '>':
      if (n == '>') return make(TokenKind::DGreat, pos, 2, io_number);
      if (n == '&') return make(TokenKind::GreatAnd, pos, 2, io_number);
      return make(TokenKind::Great, pos, 1, io_number);
    default: return fail(ParseErrorKind::Syntax, pos, "subshells are not supported");
  }
}

libk::Result<usize, ParseError> Lexer::scan_word(usize pos) {
  while (pos < text_.size() && !is_metachar(text_[pos])) {
    switch (text_[pos]) {
      case '\0': return fail(ParseErrorKind::Syntax, pos, "a NUL byte in the input");
      case '\\':
        if (pos + 1 >= text_.size() || (pos + 2 == text_.size() && text_[pos + 1] == '\n'))
          return fail(ParseErrorKind::Incomplete, pos, "a backslash at the end of the input");
        pos += 2;
        break;
      case '\'': pos = TRY(scan_single(pos)); break;
      case '"': pos = TRY(scan_double(pos)); break;
      case '$': pos = TRY(scan_dollar(pos)); break;
      default: ++pos;
    }
  }
  return pos;
}

// From an opening ' to just past its closing one.
libk::Result<usize, ParseError> Lexer::scan_single(usize pos) {
  usize close = text_.find('\'', pos + 1);
  if (close == StringView::npos)
    return fail(ParseErrorKind::Incomplete, pos, "unterminated single quote");
  if (text_.substr(pos, close - pos).find('\0') != StringView::npos)
    return fail(ParseErrorKind::Syntax, pos, "a NUL byte in the input");
  return close + 1;
}

// From an opening " to just past its closing one.
libk::Result<usize, ParseError> Lexer::scan_double(usize open) {
  usize pos = open + 1;
  while (pos < text_.size()) {
    char c = text_[pos];
    if (c == '"') return pos + 1;
    if (c == '\0') return fail(ParseErrorKind::Syntax, pos, "a NUL byte in the input");
    if (c == '$') {
      pos = TRY(scan_dollar(pos));
    } else {
      pos += c == '\\' ? 2 : 1;
    }
  }
  return fail(ParseErrorKind::Incomplete, open, "unterminated double quote");
}

// A $ and what it expands: ${NAME} or ${?} must be closed and name a variable; $NAME, $?
// and a lone $ need no check here.
libk::Result<usize, ParseError> Lexer::scan_dollar(usize pos) {
  if (pos + 1 >= text_.size() || text_[pos + 1] != '{') return pos + 1;
  usize close = text_.find('}', pos + 2);
  if (close == StringView::npos) return fail(ParseErrorKind::Syntax, pos, "unterminated '${'");
  StringView name = text_.substr(pos + 2, close - pos - 2);
  bool ok = name == "?" || (!name.empty() && is_name_start(name[0]));
  for (usize i = 1; ok && i < name.size(); ++i) ok = is_name_char(name[i]);
  if (!ok) return fail(ParseErrorKind::Syntax, pos, "bad substitution: '${' needs a name");
  return close + 1;
}

}  // namespace sh::detail
