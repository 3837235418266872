// libk/cmdline.hpp: the kernel command line.
#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <vector>

#include <libk/cmdline.hpp>

#include "string_sink.hpp"

using libk::CmdlineProblem;
using libk::CommandLine;

namespace Catch {
template <>
struct StringMaker<CmdlineProblem> {
  static std::string convert(CmdlineProblem p) { return test::str(libk::cmdline_problem_text(p)); }
};
}  // namespace Catch

namespace {

struct Token {
  std::string key;
  std::string value;
  bool has_value;
  bool operator==(const Token&) const = default;
};

struct Problem {
  std::string raw;
  CmdlineProblem problem;
  bool operator==(const Problem&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Token& t) {
  return os << "[" << t.key << (t.has_value ? "=" + t.value : std::string()) << "]";
}
std::ostream& operator<<(std::ostream& os, const Problem& p) {
  return os << "[" << p.raw << "]: " << test::str(libk::cmdline_problem_text(p.problem));
}

std::vector<Token> tokens(const CommandLine& c) {
  std::vector<Token> out;
  c.for_each([&](const libk::CmdlineToken& t) {
    out.push_back({test::str(t.key), test::str(t.value), t.has_value});
  });
  return out;
}

std::vector<Problem> problems(const CommandLine& c) {
  std::vector<Problem> out;
  c.for_each_problem([&](libk::StringView raw, CmdlineProblem p) {
    out.push_back({test::str(raw), p});
  });
  return out;
}

std::string get(const CommandLine& c, libk::StringView key) {
  auto v = c.get(key);
  return v ? test::str(*v) : "(none)";
}

}  // namespace

TEST_CASE("Key-value pairs are looked up by key") {
  CommandLine c("log=debug test=all");
  CHECK(get(c, "log") == "debug");
  CHECK(get(c, "test") == "all");
  CHECK(get(c, "missing") == "(none)");
}

TEST_CASE("Bare flags are present but have no value") {
  CommandLine c("quiet log=info");
  CHECK(c.has("quiet"));
  CHECK(get(c, "quiet") == "(none)");
  CHECK(c.has("log"));
  CHECK_FALSE(c.has("loud"));
}

TEST_CASE("Keys match whole words only") {
  CommandLine c("logging=on quietly");
  CHECK_FALSE(c.has("log"));
  CHECK_FALSE(c.has("quiet"));
  CHECK(get(c, "log") == "(none)");
}

TEST_CASE("Later settings override earlier ones") {
  CommandLine c("log=info quiet log=debug");
  CHECK(get(c, "log") == "debug");
}

TEST_CASE("A later bare flag does not erase an earlier value") {
  CommandLine c("log=info log");
  CHECK(get(c, "log") == "info");
  CHECK(c.has("log"));
}

TEST_CASE("A double-quoted value may contain spaces") {
  CommandLine c("greeting=\"hello world\" next=1");
  CHECK(get(c, "greeting") == "hello world");
  CHECK(get(c, "next") == "1");
}

TEST_CASE("Quotes inside a value are kept unless they enclose it") {
  CommandLine c("a=x\"y z\"w b=\"\"");
  CHECK(get(c, "a") == "x\"y z\"w");
  CHECK(get(c, "b") == "");
}

TEST_CASE("An empty value is a value") {
  CommandLine c("root=");
  auto v = c.get("root");
  REQUIRE(v.has_value());
  CHECK(v->empty());
}

TEST_CASE("Command-line value is everything after the first equals sign") {
  CommandLine c("opt=a=b");
  CHECK(get(c, "opt") == "a=b");
}

TEST_CASE("Any whitespace separates tokens") {
  CommandLine c("  a=1\tb=2\n\r c  ");
  CHECK(tokens(c) == std::vector<Token>{{"a", "1", true}, {"b", "2", true}, {"c", "", false}});
}

TEST_CASE("for_each visits well-formed tokens in order") {
  CommandLine c("one two=2 three=\"3 3\"");
  CHECK(tokens(c) ==
        std::vector<Token>{{"one", "", false}, {"two", "2", true}, {"three", "3 3", true}});
}

TEST_CASE("Empty and blank command lines have no tokens") {
  CHECK(tokens(CommandLine("")).empty());
  CHECK(tokens(CommandLine(" \t ")).empty());
  CHECK(problems(CommandLine("")).empty());
}

TEST_CASE("Unterminated quote is reported and the rest of the line skipped") {
  CommandLine c("a=1 msg=\"oops b=2");
  CHECK(problems(c) == std::vector<Problem>{{"msg=\"oops b=2", CmdlineProblem::UnterminatedQuote}});
  CHECK(tokens(c) == std::vector<Token>{{"a", "1", true}});
  CHECK_FALSE(c.has("b"));
}

TEST_CASE("Token with an empty key is reported and skipped") {
  CommandLine c("=value ok");
  CHECK(problems(c) == std::vector<Problem>{{"=value", CmdlineProblem::EmptyKey}});
  CHECK(tokens(c) == std::vector<Token>{{"ok", "", false}});
  CHECK_FALSE(c.has(""));
}

TEST_CASE("Token with a quote in its key is reported and skipped") {
  CommandLine c("\"a b\"=c k\"e\"y=v d=1");
  CHECK(problems(c) == std::vector<Problem>{{"\"a b\"=c", CmdlineProblem::QuoteInKey},
                                            {"k\"e\"y=v", CmdlineProblem::QuoteInKey}});
  CHECK(tokens(c) == std::vector<Token>{{"d", "1", true}});
  CHECK_FALSE(c.has("a b"));
}

TEST_CASE("Well-formed tokens around malformed ones are still found") {
  CommandLine c("x=1 =bad y=2 \"q\" z=3");
  CHECK(get(c, "x") == "1");
  CHECK(get(c, "y") == "2");
  CHECK(get(c, "z") == "3");
  CHECK(problems(c).size() == 2);
}

TEST_CASE("Over-long command line is truncated at kMaxLength") {
  std::string text = "first=1 ";
  text += "pad=" + std::string(CommandLine::kMaxLength, 'p');
  text += " late=1";
  CommandLine c(libk::StringView(text.data(), text.size()));
  CHECK(c.text().size() == CommandLine::kMaxLength);
  CHECK(c.text().data() == text.data());
  CHECK(get(c, "first") == "1");
  CHECK_FALSE(c.has("late"));
  CHECK(get(c, "pad").size() == CommandLine::kMaxLength - 12);
}

TEST_CASE("A token straddling kMaxLength keeps only its first part") {
  std::string text(CommandLine::kMaxLength - 6, ' ');
  text += "key=value";
  CommandLine c(libk::StringView(text.data(), text.size()));
  CHECK(get(c, "key") == "va");
}

TEST_CASE("Command line of exactly kMaxLength is kept whole") {
  std::string text(CommandLine::kMaxLength - 3, ' ');
  text += "a=1";
  CommandLine c(libk::StringView(text.data(), text.size()));
  CHECK(get(c, "a") == "1");
}

TEST_CASE("Returned keys and values point into the command line text") {
  std::string text = "k=\"v w\" flag";
  CommandLine c(libk::StringView(text.data(), text.size()));
  c.for_each([&](const libk::CmdlineToken& t) {
    CHECK(t.key.data() >= text.data());
    CHECK(t.key.end() <= text.data() + text.size());
    if (t.has_value) {
      CHECK(t.value.data() >= text.data());
      CHECK(t.value.end() <= text.data() + text.size());
    }
  });
}

TEST_CASE("Every command-line problem has its own text") {
  std::set<std::string> texts;
  for (CmdlineProblem p :
       {CmdlineProblem::UnterminatedQuote, CmdlineProblem::EmptyKey, CmdlineProblem::QuoteInKey})
    texts.insert(test::str(libk::cmdline_problem_text(p)));
  CHECK(texts.size() == 3);
}
