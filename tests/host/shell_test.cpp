// The shell's command language (libk/shell.hpp): words and quoting, dispatch with help,
// usage checks and suggestions, against a small command table.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include <libk/shell.hpp>

#include "string_sink.hpp"

using namespace libk::shell;

namespace {

std::vector<std::string> words_of(std::string_view line) {
  Words w;
  auto r = tokenize(libk::StringView(line.data(), line.size()), w);
  REQUIRE(r.ok());
  std::vector<std::string> out;
  for (libk::StringView s : w.all()) out.push_back(test::str(s));
  return out;
}

TokenizeError error_of(std::string_view line) {
  Words w;
  auto r = tokenize(libk::StringView(line.data(), line.size()), w);
  REQUIRE(!r.ok());
  return r.error();
}

struct Calls {
  std::vector<std::string> seen;
};

Status record(const Invocation& call) {
  auto* calls = static_cast<Calls*>(call.context);
  std::string s = test::str(call.command.name);
  for (libk::StringView a : call.args) s += "|" + test::str(a);
  calls->seen.push_back(s);
  return Status::Ok;
}

Status picky(const Invocation& call) {
  if (call.args[0] != "on" && call.args[0] != "off") {
    libk::format_to(call.out, "power: expected on or off, not '{}'\n", call.args[0]);
    return Status::BadArguments;
  }
  return record(call);
}

constexpr Command kCommands[] = {
    {"help", "[COMMAND]", "list commands, or describe one", "", 0, 1, record},
    {"echo", "[TEXT...]", "print the arguments", "Words are separated by one space.", 0, 15,
     record},
    {"shutdown", "", "power off", "", 0, 0, record},
    {"power", "on|off", "switch", "", 1, 1, picky},
    {"dmesg", "[COUNT]", "the kernel log", "", 0, 1, record},
};

struct Fixture {
  Dispatcher d{kCommands};
  Calls calls;
  test::StringSink out;
  Status run(const char* line) {
    out.out.clear();
    return d.execute(line, out, &calls);
  }
};

}  // namespace

TEST_CASE("Words are split on spaces and tabs", "[shell]") {
  CHECK(words_of("  echo   a\tb  ") == std::vector<std::string>{"echo", "a", "b"});
  CHECK(words_of("").empty());
  CHECK(words_of(" \t ").empty());
}

TEST_CASE("Quotes group words and are removed; backslash escapes", "[shell]") {
  CHECK(words_of("echo \"a b\" 'c  d'") == std::vector<std::string>{"echo", "a b", "c  d"});
  CHECK(words_of("echo x\"y z\"w") == std::vector<std::string>{"echo", "xy zw"});
  CHECK(words_of("echo \"\"") == std::vector<std::string>{"echo", ""});
  CHECK(words_of("echo a\\ b \\\"") == std::vector<std::string>{"echo", "a b", "\""});
  CHECK(words_of("echo 'a\\b' \"it's\"") == std::vector<std::string>{"echo", "a\\b", "it's"});
}

TEST_CASE("Tokenizer errors", "[shell]") {
  CHECK(error_of("echo \"abc") == TokenizeError::UnterminatedQuote);
  CHECK(error_of("echo 'abc") == TokenizeError::UnterminatedQuote);
  CHECK(error_of("echo abc\\") == TokenizeError::TrailingBackslash);
  CHECK(error_of("a b c d e f g h i j k l m n o p q") == TokenizeError::TooManyWords);
  std::string longer(300, 'x');
  CHECK(error_of(longer) == TokenizeError::TooLong);
}

TEST_CASE("A command runs with its arguments", "[shell]") {
  Fixture f;
  CHECK(f.run("echo hello \"big world\"") == Status::Ok);
  CHECK(f.calls.seen == std::vector<std::string>{"echo|hello|big world"});
  CHECK(f.run("   ") == Status::Ok);
  CHECK(f.calls.seen.size() == 1);
}

TEST_CASE("help lists every command with its summary", "[shell]") {
  Fixture f;
  CHECK(f.run("help") == Status::Ok);
  CHECK(f.out.out.find("  shutdown  power off\n") != std::string::npos);
  CHECK(f.out.out.find("  echo      print the arguments\n") != std::string::npos);
  CHECK(f.out.out.find("help NAME") != std::string::npos);
  CHECK(f.calls.seen.empty());  // built in, not the table's handler
}

TEST_CASE("help NAME and NAME --help show usage and details", "[shell]") {
  Fixture f;
  CHECK(f.run("help echo") == Status::Ok);
  CHECK(f.out.out ==
        "usage: echo [TEXT...]\nprint the arguments\nWords are separated by one space.\n");
  CHECK(f.run("dmesg --help") == Status::Ok);
  CHECK(f.out.out == "usage: dmesg [COUNT]\nthe kernel log\n");
  CHECK(f.run("shutdown -h") == Status::Ok);
  CHECK(f.calls.seen.empty());
}

TEST_CASE("An unknown command names the closest one", "[shell]") {
  Fixture f;
  CHECK(f.run("ehco hi") == Status::Unknown);
  CHECK(f.out.out == "ehco: command not found; did you mean 'echo'? (type 'help' for the list)\n");
  CHECK(f.run("shutdwon") == Status::Unknown);
  CHECK(f.out.out.find("did you mean 'shutdown'?") != std::string::npos);
  CHECK(f.run("shut") == Status::Unknown);  // a prefix
  CHECK(f.out.out.find("did you mean 'shutdown'?") != std::string::npos);
  CHECK(f.run("xyzzy") == Status::Unknown);
  CHECK(f.out.out == "xyzzy: command not found (type 'help' for the list)\n");
  CHECK(f.run("help ecko") == Status::Unknown);
  CHECK(f.out.out.find("did you mean 'echo'?") != std::string::npos);
  CHECK(f.calls.seen.empty());
}

TEST_CASE("Wrong argument counts print the usage and do not run the command", "[shell]") {
  Fixture f;
  CHECK(f.run("shutdown now") == Status::BadArguments);
  CHECK(f.out.out == "shutdown: too many arguments\nusage: shutdown\n");
  CHECK(f.run("power") == Status::BadArguments);
  CHECK(f.out.out == "power: missing arguments\nusage: power on|off\n");
  CHECK(f.calls.seen.empty());
}

TEST_CASE("A handler's BadArguments adds the usage line after its own message", "[shell]") {
  Fixture f;
  CHECK(f.run("power maybe") == Status::BadArguments);
  CHECK(f.out.out == "power: expected on or off, not 'maybe'\nusage: power on|off\n");
  CHECK(f.run("power on") == Status::Ok);
}

TEST_CASE("A line that does not tokenize is reported", "[shell]") {
  Fixture f;
  CHECK(f.run("echo \"oops") == Status::BadArguments);
  CHECK(f.out.out == "error: unterminated quote\n");
}

TEST_CASE("Edit distance counts insertions, deletions, substitutions, transpositions", "[shell]") {
  CHECK(edit_distance("echo", "echo", 3) == 0);
  CHECK(edit_distance("ehco", "echo", 3) == 1);
  CHECK(edit_distance("ech", "echo", 3) == 1);
  CHECK(edit_distance("mam", "mem", 3) == 1);
  CHECK(edit_distance("kitten", "sitting", 5) == 3);
  CHECK(edit_distance("a", "abcdef", 2) == 3);  // capped: cap + 1
}

namespace {
// A fallback that knows one program, "hello": records its words, says Unknown for the rest.
Status programs(libk::Span<const libk::StringView> words, libk::Sink& out, void* context) {
  if (words[0] != "hello") return Status::Unknown;
  auto* calls = static_cast<Calls*>(context);
  std::string s = "program";
  for (libk::StringView w : words) s += "|" + test::str(w);
  calls->seen.push_back(s);
  out.write("ran\n");
  return Status::Ok;
}
}  // namespace

TEST_CASE("A line that names no command goes to the fallback with every word", "[shell]") {
  Fixture f;
  f.d.set_fallback(programs);
  CHECK(f.run("hello a \"b c\"") == Status::Ok);
  CHECK(f.calls.seen == std::vector<std::string>{"program|hello|a|b c"});
  CHECK(f.out.out == "ran\n");
  CHECK(f.run("echo x") == Status::Ok);  // commands come first
  CHECK(f.calls.seen.back() == "echo|x");
  CHECK(f.run("nosuch") == Status::Unknown);  // the fallback declined: the usual message
  CHECK(f.out.out.find("nosuch: command not found") != std::string::npos);
}
