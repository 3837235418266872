// The shell's parser: recursive descent over sh/parser.hpp's grammar, one token of lookahead,
// into the fixed-capacity Program.
#include <sh/parser.hpp>

#include <libk/format.hpp>

#include "lexer.hpp"

namespace sh {

namespace {

using detail::Token;
using detail::TokenKind;

libk::Unexpected<ParseError> fail(ParseErrorKind kind, u32 column, const char* message) {
  return libk::unexpected(ParseError{kind, column, message});
}

// "expected a command after '|'" and friends: static texts, one per operator.
const char* missing_command_after(TokenKind op) {
  switch (op) {
    case TokenKind::Pipe: return "expected a command after '|'";
    case TokenKind::AndIf: return "expected a command after '&&'";
    case TokenKind::OrIf: return "expected a command after '||'";
    default: return "expected a command";
  }
}

const char* missing_command_before(TokenKind op) {
  switch (op) {
    case TokenKind::Semi: return "expected a command before ';'";
    case TokenKind::Amp: return "expected a command before '&'";
    case TokenKind::Pipe: return "expected a command before '|'";
    case TokenKind::AndIf: return "expected a command before '&&'";
    case TokenKind::OrIf: return "expected a command before '||'";
    default: return "expected a command";
  }
}

class Parser {
 public:
  Parser(StringView text, Program& out) : lexer_(text), out_(out) {}

  libk::Result<void, ParseError> program();

 private:
  libk::Result<void, ParseError> advance();
  libk::Result<void, ParseError> skip_newlines();
  libk::Result<void, ParseError> and_or();
  libk::Result<void, ParseError> pipeline(Connector connector, TokenKind after);
  libk::Result<void, ParseError> command(TokenKind after);
  libk::Result<void, ParseError> redirect(Command& command);
  libk::Result<void, ParseError> full(const char* message) {
    return fail(ParseErrorKind::Limit, token_.column, message);
  }

  detail::Lexer lexer_;
  Program& out_;
  Token token_{};
};

libk::Result<void, ParseError> Parser::advance() {
  token_ = TRY(lexer_.next());
  return {};
}

libk::Result<void, ParseError> Parser::skip_newlines() {
  while (token_.kind == TokenKind::Newline) TRY(advance());
  return {};
}

libk::Result<void, ParseError> Parser::program() {
  TRY(advance());
  TRY(skip_newlines());
  while (token_.kind != TokenKind::End) {
    TRY(and_or());
    switch (token_.kind) {
      case TokenKind::Amp: out_.and_ors[out_.and_ors.size() - 1].background = true; [[fallthrough]];
      case TokenKind::Semi:
      case TokenKind::Newline: TRY(advance()); break;
      case TokenKind::End: break;
      default: return fail(ParseErrorKind::Syntax, token_.column, "unexpected operator");
    }
    TRY(skip_newlines());
  }
  return {};
}

libk::Result<void, ParseError> Parser::and_or() {
  if (!out_.and_ors.push_back(AndOr{u16(out_.pipelines.size()), 0, false}))
    return full("too many commands in one input (at most 32 lists)");
  TRY(pipeline(Connector::First, TokenKind::End));
  while (token_.kind == TokenKind::AndIf || token_.kind == TokenKind::OrIf) {
    TokenKind op = token_.kind;
    TRY(advance());
    TRY(skip_newlines());
    TRY(pipeline(op == TokenKind::AndIf ? Connector::And : Connector::Or, op));
  }
  return {};
}

libk::Result<void, ParseError> Parser::pipeline(Connector connector, TokenKind after) {
  if (!out_.pipelines.push_back(Pipeline{u16(out_.commands.size()), 0, connector}))
    return full("too many pipelines in one input (at most 32)");
  ++out_.and_ors[out_.and_ors.size() - 1].pipeline_count;
  TRY(command(after));
  while (token_.kind == TokenKind::Pipe) {
    TRY(advance());
    TRY(skip_newlines());
    TRY(command(TokenKind::Pipe));
  }
  return {};
}

libk::Result<void, ParseError> Parser::command(TokenKind after) {
  Pipeline& pipe = out_.pipelines[out_.pipelines.size() - 1];
  if (pipe.command_count == kMaxPipeline)
    return full("too many commands in one pipeline (at most 8)");
  Command cmd{u16(out_.words.size()), 0, u16(out_.redirects.size()), 0};
  for (;;) {
    if (token_.kind == TokenKind::Word) {
      if (!out_.words.push_back(Word{token_.text, token_.column}))
        return full("too many words in one input (at most 128)");
      ++cmd.word_count;
      TRY(advance());
    } else if (detail::is_redirection(token_.kind)) {
      TRY(redirect(cmd));
    } else {
      break;
    }
  }
  if (cmd.word_count == 0 && cmd.redirect_count == 0) {
    if (token_.kind == TokenKind::End && after != TokenKind::End)
      return fail(ParseErrorKind::Incomplete, token_.column, missing_command_after(after));
    if (after != TokenKind::End)
      return fail(ParseErrorKind::Syntax, token_.column, missing_command_after(after));
    return fail(ParseErrorKind::Syntax, token_.column, missing_command_before(token_.kind));
  }
  if (!out_.commands.push_back(cmd)) return full("too many commands in one input (at most 64)");
  ++pipe.command_count;
  return {};
}

libk::Result<void, ParseError> Parser::redirect(Command& command) {
  Token op = token_;
  TRY(advance());
  if (token_.kind != TokenKind::Word) {
    bool dup = op.kind == TokenKind::LessAnd || op.kind == TokenKind::GreatAnd;
    return fail(ParseErrorKind::Syntax, token_.column,
                dup ? "expected a descriptor number or '-' after '>&' or '<&'"
                    : "expected a file name after a redirection");
  }
  bool input = op.kind == TokenKind::Less || op.kind == TokenKind::LessAnd;
  Redirect r{RedirectKind::Input, input ? 0u : 1u, 0, Word{token_.text, token_.column}};
  if (op.io_number >= 0) r.fd = u32(op.io_number);
  switch (op.kind) {
    case TokenKind::Less: r.kind = RedirectKind::Input; break;
    case TokenKind::Great: r.kind = RedirectKind::Output; break;
    case TokenKind::DGreat: r.kind = RedirectKind::Append; break;
    default:
      if (token_.text == "-") {
        r.kind = RedirectKind::Close;
      } else if (detail::parse_fd(token_.text, r.source)) {
        r.kind = RedirectKind::Dup;
      } else {
        return fail(ParseErrorKind::Syntax, token_.column,
                    "expected a descriptor number (0 to 63) or '-' after '>&' or '<&'");
      }
      r.target = Word{};
  }
  if (!out_.redirects.push_back(r)) return full("too many redirections in one input (at most 32)");
  ++command.redirect_count;
  TRY(advance());
  return {};
}

}  // namespace

void Program::clear() {
  words.clear();
  redirects.clear();
  commands.clear();
  pipelines.clear();
  and_ors.clear();
}

libk::Result<void, ParseError> parse(StringView text, Program& out) {
  out.clear();
  if (text.size() > kMaxInput)
    return fail(ParseErrorKind::Limit, u32(kMaxInput + 1), "input longer than 4096 bytes");
  Parser parser(text, out);
  return parser.program();
}

usize describe(const ParseError& error, char* buffer, usize size) {
  libk::BufferSink sink(buffer, size);
  const char* what = error.kind == ParseErrorKind::Limit ? "limit reached" : "syntax error";
  libk::format_to(sink, "{} at {}: {}", what, error.column, error.message);
  return sink.length();
}

}  // namespace sh
