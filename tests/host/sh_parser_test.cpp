// The user shell's parser (libk/include/sh/parser.hpp): each construct of the grammar, each
// error with its column, the Incomplete results a prompt continues, and the limits.
#include <catch2/catch.hpp>
#include <memory>
#include <sh/parser.hpp>
#include <string>
#include <vector>

namespace {

using namespace sh;

std::string str(libk::StringView s) { return std::string(s.data(), s.size()); }
libk::StringView view(const std::string& s) { return {s.data(), s.size()}; }

// A compact picture of a parsed program: lists separated by " ;; " (" &" when in the
// background), pipelines joined by && / ||, commands by |, words in [], redirections as
// fd<target, fd>target, fd>>target, fd>&m, fd>&-.
std::string shape(const Program& p) {
  std::string out;
  for (const AndOr& list : p.and_ors) {
    if (!out.empty()) out += " ;; ";
    for (u16 i = 0; i < list.pipeline_count; ++i) {
      const Pipeline& pl = p.pipelines[list.first_pipeline + i];
      if (pl.connector == Connector::And) out += " && ";
      if (pl.connector == Connector::Or) out += " || ";
      for (u16 c = 0; c < pl.command_count; ++c) {
        const Command& cmd = p.commands[pl.first_command + c];
        if (c) out += " | ";
        for (u16 w = 0; w < cmd.word_count; ++w)
          out += "[" + str(p.words[cmd.first_word + w].raw) + "]";
        for (u16 r = 0; r < cmd.redirect_count; ++r) {
          const Redirect& rd = p.redirects[cmd.first_redirect + r];
          out += " " + std::to_string(rd.fd);
          switch (rd.kind) {
            case RedirectKind::Input: out += "<" + str(rd.target.raw); break;
            case RedirectKind::Output: out += ">" + str(rd.target.raw); break;
            case RedirectKind::Append: out += ">>" + str(rd.target.raw); break;
            case RedirectKind::Dup: out += ">&" + std::to_string(rd.source); break;
            case RedirectKind::Close: out += ">&-"; break;
          }
        }
      }
    }
    if (list.background) out += " &";
  }
  return out;
}

std::string parsed(const std::string& text) {
  auto p = std::make_unique<Program>();
  auto r = parse(view(text), *p);
  if (!r) {
    char buf[160];
    FAIL("parse error: " << std::string(buf, describe(r.error(), buf, sizeof(buf))));
  }
  return shape(*p);
}

ParseError error_of(const std::string& text) {
  auto p = std::make_unique<Program>();
  auto r = parse(view(text), *p);
  REQUIRE(!r.ok());
  return r.error();
}

std::string message(const std::string& text) {
  ParseError e = error_of(text);
  char buf[160];
  return std::string(buf, describe(e, buf, sizeof(buf)));
}

}  // namespace

TEST_CASE("sh: words are split at blanks; quotes and escapes stay in the raw text") {
  CHECK(parsed("echo  a\tb") == "[echo][a][b]");
  CHECK(parsed("echo 'a b' \"c $X d\" e\\ f") == "[echo]['a b'][\"c $X d\"][e\\ f]");
  CHECK(parsed("echo a'b'\"c\"") == "[echo][a'b'\"c\"]");
  CHECK(parsed("echo '|;&<>'") == "[echo]['|;&<>']");
  CHECK(parsed("echo ${HOME}x $?") == "[echo][${HOME}x][$?]");
}

TEST_CASE("sh: an empty input, blank lines and comments give an empty program") {
  CHECK(parsed("") == "");
  CHECK(parsed("\n\n  \n") == "");
  CHECK(parsed("# only a comment") == "");
  CHECK(parsed("echo a # the rest # is ignored\necho b") == "[echo][a] ;; [echo][b]");
  CHECK(parsed("echo a#b") == "[echo][a#b]");  // # inside a word is not a comment
}

TEST_CASE("sh: word columns are 1-based byte offsets") {
  auto p = std::make_unique<Program>();
  REQUIRE(parse("ls  -l 'x y'", *p).ok());
  REQUIRE(p->words.size() == 3);
  CHECK(p->words[0].column == 1);
  CHECK(p->words[1].column == 5);
  CHECK(p->words[2].column == 8);
}

TEST_CASE("sh: lists separated by ; & and newlines; & marks its list as background") {
  CHECK(parsed("a; b") == "[a] ;; [b]");
  CHECK(parsed("a & b") == "[a] & ;; [b]");
  CHECK(parsed("a &") == "[a] &");
  CHECK(parsed("a\nb\n") == "[a] ;; [b]");
  CHECK(parsed("a;") == "[a]");
}

TEST_CASE("sh: && and || chain pipelines, and newlines may follow them") {
  CHECK(parsed("a && b || c") == "[a] && [b] || [c]");
  CHECK(parsed("a &&\n\n b") == "[a] && [b]");
  CHECK(parsed("a || b | c") == "[a] || [b] | [c]");
}

TEST_CASE("sh: pipelines of several commands, a newline may follow |") {
  CHECK(parsed("a | b | c") == "[a] | [b] | [c]");
  CHECK(parsed("a|b") == "[a] | [b]");
  CHECK(parsed("a |\n b") == "[a] | [b]");
}

TEST_CASE("sh: redirections with default and explicit descriptors, in source order") {
  CHECK(parsed("sort <in >out") == "[sort] 0<in 1>out");
  CHECK(parsed("a >>log 2>err") == "[a] 1>>log 2>err");
  CHECK(parsed("a 2>&1 >f") == "[a] 2>&1 1>f");
  CHECK(parsed("a >f 2>&1") == "[a] 1>f 2>&1");
  CHECK(parsed("a 3<&0 <&- 1>&-") == "[a] 3>&0 0>&- 1>&-");
  CHECK(parsed("a > 'my file'") == "[a] 1>'my file'");
  CHECK(parsed(">out") == " 1>out");  // a command of redirections only
  CHECK(parsed("a 2>f x") == "[a][x] 2>f");
}

TEST_CASE("sh: digits are a descriptor only directly before < or >") {
  CHECK(parsed("echo 2 >f") == "[echo][2] 1>f");
  CHECK(parsed("echo a2>f") == "[echo][a2] 1>f");
  CHECK(parsed("echo 12>f") == "[echo] 12>f");
}

TEST_CASE("sh: syntax errors name the column and what was expected") {
  CHECK(message("echo a | | b") == "syntax error at 10: expected a command after '|'");
  CHECK(message("; a") == "syntax error at 1: expected a command before ';'");
  CHECK(message("a ;; b") == "syntax error at 4: expected a command before ';'");
  CHECK(message("| a") == "syntax error at 1: expected a command before '|'");
  CHECK(message("a && && b") == "syntax error at 6: expected a command after '&&'");
  CHECK(message("a >") == "syntax error at 4: expected a file name after a redirection");
  CHECK(message("a > | b") == "syntax error at 5: expected a file name after a redirection");
  CHECK(message("a >&x") ==
        "syntax error at 5: expected a descriptor number (0 to 63) or '-' after '>&' or '<&'");
  CHECK(message("a 99>f") == "syntax error at 3: descriptor number too large (at most 63)");
  CHECK(message("a >&64") ==
        "syntax error at 5: expected a descriptor number (0 to 63) or '-' after '>&' or '<&'");
  CHECK(message("(a)") == "syntax error at 1: subshells are not supported");
  CHECK(message("cat <<EOF") == "syntax error at 5: here-documents are not supported");
  CHECK(message("echo ${A") == "syntax error at 6: unterminated '${'");
  CHECK(message("echo ${1}") == "syntax error at 6: bad substitution: '${' needs a name");
  CHECK(message(std::string("echo a\0b", 8)) == "syntax error at 7: a NUL byte in the input");
  for (const char* text : {"echo a | | b", "a >", "(a)"})
    CHECK(error_of(text).kind == ParseErrorKind::Syntax);
}

TEST_CASE("sh: an unterminated quote or trailing operator is Incomplete, not a syntax error") {
  ParseError e = error_of("echo 'abc");
  CHECK(e.kind == ParseErrorKind::Incomplete);
  CHECK(e.column == 6);
  CHECK(message("echo 'abc") == "syntax error at 6: unterminated single quote");
  CHECK(error_of("echo \"a $X").kind == ParseErrorKind::Incomplete);
  CHECK(error_of("echo a\\").kind == ParseErrorKind::Incomplete);
  CHECK(error_of("a |").kind == ParseErrorKind::Incomplete);
  CHECK(error_of("a &&\n").kind == ParseErrorKind::Incomplete);
  CHECK(error_of("a ||").kind == ParseErrorKind::Incomplete);
  CHECK(message("a |") == "syntax error at 4: expected a command after '|'");
  // The prompt appends the next line and parses again.
  CHECK(parsed("echo 'abc\ndef'") == "[echo]['abc\ndef']");
  CHECK(parsed("a |\nb") == "[a] | [b]");
  CHECK(parsed("echo a\\\nb") == "[echo][a\\\nb]");
}

TEST_CASE("sh: a backslash-newline at the end of a line continues it (a script's, a prompt's)") {
  CHECK(error_of("echo a \\\n").kind == ParseErrorKind::Incomplete);
  CHECK(error_of("echo a\\\n").kind == ParseErrorKind::Incomplete);
  CHECK(parsed("echo a \\\n b\n") == "[echo][a][b]");
  // Not in a comment: there the backslash is only text.
  CHECK(parsed("a # c \\\n") == "[a]");
}

TEST_CASE("sh: each limit is an error of kind Limit, never an overflow") {
  std::string words;
  for (usize i = 0; i <= kMaxWords; ++i) words += "w ";
  ParseError e = error_of(words);
  CHECK(e.kind == ParseErrorKind::Limit);
  CHECK(message(words) == "limit reached at 257: too many words in one input (at most 128)");

  std::string pipe = "a";
  for (usize i = 1; i <= kMaxPipeline; ++i) pipe += " | a";
  CHECK(error_of(pipe).kind == ParseErrorKind::Limit);
  CHECK(message(pipe).find("too many commands in one pipeline (at most 8)") != std::string::npos);

  std::string lists;
  for (usize i = 0; i <= kMaxAndOrs; ++i) lists += "a;";
  CHECK(error_of(lists).kind == ParseErrorKind::Limit);

  std::string redirects = "a";
  for (usize i = 0; i <= kMaxRedirects; ++i) redirects += " >f";
  CHECK(error_of(redirects).kind == ParseErrorKind::Limit);

  std::string chain = "a";
  for (usize i = 0; i < kMaxPipelines; ++i) chain += " && a";
  CHECK(error_of(chain).kind == ParseErrorKind::Limit);

  CHECK(error_of(std::string(kMaxInput + 1, 'x')).kind == ParseErrorKind::Limit);
  CHECK(parsed(std::string(kMaxInput, 'x')).size() == kMaxInput + 2);
}

TEST_CASE("sh: the largest accepted program fills every table exactly") {
  std::string text = "a";
  for (usize i = 1; i < kMaxPipeline; ++i) text += " | a";
  auto p = std::make_unique<Program>();
  REQUIRE(parse(view(text), *p).ok());
  CHECK(p->commands.size() == kMaxPipeline);
  CHECK(p->pipelines.size() == 1);
}
