// The user shell's word expansion and variables (libk/include/sh/expand.hpp).
#include <catch2/catch.hpp>
#include <sh/expand.hpp>
#include <string>

namespace {

using namespace sh;

struct Env {
  Variables vars;
  Env() {
    REQUIRE(vars.set("X", "ex"));
    REQUIRE(vars.set("SPACED", "a  b"));
    REQUIRE(vars.set("Q", "'$X'"));
    vars.set_status(42);
  }
};

std::string expanded(const std::string& raw) {
  Env env;
  char out[256];
  auto n = expand({raw.data(), raw.size()}, env.vars, out, sizeof(out));
  REQUIRE(n.ok());
  CHECK(out[n.value()] == '\0');
  return std::string(out, n.value());
}

ExpandError error_of(const std::string& raw, usize size = 256) {
  Env env;
  char out[256];
  auto n = expand({raw.data(), raw.size()}, env.vars, out, size);
  REQUIRE(!n.ok());
  return n.error();
}

}  // namespace

TEST_CASE("sh expand: single quotes keep everything literally") {
  CHECK(expanded("'a $X \\n \"'") == "a $X \\n \"");
  CHECK(expanded("''") == "");
}

TEST_CASE("sh expand: double quotes expand variables and four backslash escapes") {
  CHECK(expanded("\"$X and ${X}y\"") == "ex and exy");
  CHECK(expanded("\"\\$X \\\" \\\\ \\a\"") == "$X \" \\ \\a");
  CHECK(expanded("\"a\\\nb\"") == "ab");
  CHECK(expanded("\"'$X'\"") == "'ex'");
}

TEST_CASE("sh expand: unquoted text, backslashes and variables") {
  CHECK(expanded("a\\ b\\$X") == "a b$X");
  CHECK(expanded("$X.$X") == "ex.ex");
  CHECK(expanded("${X}_1$X_1") == "ex_1");  // $X_1 names X_1, which is unset
  CHECK(expanded("a\\\nb") == "ab");
}

TEST_CASE("sh expand: $? is the last status; unset names are empty; a lone $ stays") {
  CHECK(expanded("$?") == "42");
  CHECK(expanded("${?}") == "42");
  CHECK(expanded("$NOPE") == "");
  CHECK(expanded("a$") == "a$");
  CHECK(expanded("$1") == "$1");
  CHECK(expanded("\"$\"") == "$");
}

TEST_CASE("sh expand: a value is one word and is not expanded again") {
  CHECK(expanded("$SPACED") == "a  b");
  CHECK(expanded("$Q") == "'$X'");
}

TEST_CASE("sh expand: too long for the buffer, and malformed words, are errors") {
  CHECK(error_of("abcdef", 4) == ExpandError::TooLong);
  CHECK(error_of("$X$X$X", 5) == ExpandError::TooLong);
  CHECK(error_of("'abc") == ExpandError::Malformed);
  CHECK(error_of("\"abc") == ExpandError::Malformed);
  CHECK(error_of("${X") == ExpandError::Malformed);
  CHECK(error_of("a\\") == ExpandError::Malformed);
  Env env;
  char out[4];
  auto n = expand("abc", env.vars, out, sizeof(out));  // exactly fits with its NUL
  REQUIRE(n.ok());
  CHECK(std::string(out) == "abc");
}

TEST_CASE("sh variables: set, replace, limits, and a negative status") {
  Variables v;
  CHECK(v.lookup("A").empty());
  REQUIRE(v.set("A", "1"));
  REQUIRE(v.set("A", "22"));
  CHECK(std::string(v.lookup("A").data(), v.lookup("A").size()) == "22");
  CHECK_FALSE(v.set("1A", "x"));
  CHECK_FALSE(v.set("", "x"));
  CHECK_FALSE(v.set("A", std::string(Variables::kMaxValue + 1, 'x').c_str()));
  for (usize i = 1; i < Variables::kMaxVariables; ++i)
    REQUIRE(v.set(("V" + std::to_string(i)).c_str(), "x"));
  CHECK_FALSE(v.set("ONE_TOO_MANY", "x"));
  v.set_status(-3);
  CHECK(std::string(v.lookup("?").data(), v.lookup("?").size()) == "-3");
}

TEST_CASE("sh: assignments are NAME=value words") {
  libk::StringView name, value;
  CHECK(split_assignment("A_1=x=y", name, value));
  CHECK(name == "A_1");
  CHECK(value == "x=y");
  CHECK(split_assignment("A=", name, value));
  CHECK(value.empty());
  CHECK_FALSE(split_assignment("=x", name, value));
  CHECK_FALSE(split_assignment("1=x", name, value));
  CHECK_FALSE(split_assignment("'A'=x", name, value));
}
