// libk/config.hpp: the loader's ember.conf parser and parse_resolution.
#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <vector>

#include <libk/config.hpp>

#include "string_sink.hpp"

using libk::ConfigProblem;
using libk::Resolution;

namespace Catch {
template <>
struct StringMaker<ConfigProblem> {
  static std::string convert(ConfigProblem p) { return test::str(libk::config_problem_text(p)); }
};
template <>
struct StringMaker<Resolution> {
  static std::string convert(Resolution r) {
    return std::to_string(r.width) + "x" + std::to_string(r.height);
  }
};
}  // namespace Catch

namespace {

struct Entry {
  u32 line;
  std::string key;
  std::string value;
  bool operator==(const Entry&) const = default;
};

struct Problem {
  u32 line;
  ConfigProblem problem;
  bool operator==(const Problem&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Entry& e) {
  return os << e.line << ": [" << e.key << "] = [" << e.value << "]";
}
std::ostream& operator<<(std::ostream& os, const Problem& p) {
  return os << p.line << ": " << test::str(libk::config_problem_text(p.problem));
}

struct Parsed {
  std::vector<Entry> entries;
  std::vector<Problem> problems;
};

Parsed parse(const std::string& text) {
  Parsed out;
  libk::parse_config(
      libk::StringView(text.data(), text.size()),
      [&](const libk::ConfigLine& l) {
        out.entries.push_back({l.number, test::str(l.key), test::str(l.value)});
      },
      [&](u32 line, ConfigProblem p) {
        out.problems.push_back({line, p});
      });
  return out;
}

}  // namespace

// --- parse_config -----------------------------------------------------------------------------

TEST_CASE("Config file from the documentation parses into its settings") {
  Parsed p = parse(
      "# comment\n"
      "kernel = \\boot\\ember.elf\n"
      "cmdline = log=debug test=all\n"
      "resolution = 1280x800\n");
  CHECK(p.entries == std::vector<Entry>{{2, "kernel", "\\boot\\ember.elf"},
                                        {3, "cmdline", "log=debug test=all"},
                                        {4, "resolution", "1280x800"}});
  CHECK(p.problems.empty());
}

TEST_CASE("Blank lines and comment lines are skipped but counted") {
  Parsed p = parse("\n   \n# a = b\n  # indented comment\na = 1\n");
  CHECK(p.entries == std::vector<Entry>{{5, "a", "1"}});
  CHECK(p.problems.empty());
}

TEST_CASE("Spaces and tabs around key and value are trimmed") {
  Parsed p = parse("  \tkey  \t=   some value \t \n");
  CHECK(p.entries == std::vector<Entry>{{1, "key", "some value"}});
}

TEST_CASE("A double-quoted value keeps its inner spaces") {
  Parsed p = parse("cmdline = \"  spaced  out  \"\n");
  CHECK(p.entries == std::vector<Entry>{{1, "cmdline", "  spaced  out  "}});
}

TEST_CASE("Quotes only strip when they enclose the whole value") {
  Parsed p = parse("a = \"x\" y\nb = \"\nc = \"\"\n");
  CHECK(p.entries == std::vector<Entry>{{1, "a", "\"x\" y"}, {2, "b", "\""}, {3, "c", ""}});
}

TEST_CASE("Config value is everything after the first equals sign") {
  Parsed p = parse("cmdline = a=b c==d\n");
  CHECK(p.entries == std::vector<Entry>{{1, "cmdline", "a=b c==d"}});
}

TEST_CASE("A setting may have an empty value") {
  Parsed p = parse("cmdline =\n");
  CHECK(p.entries == std::vector<Entry>{{1, "cmdline", ""}});
}

TEST_CASE("CRLF line endings are accepted") {
  Parsed p = parse("a = 1\r\nb = 2\r\n");
  CHECK(p.entries == std::vector<Entry>{{1, "a", "1"}, {2, "b", "2"}});
  CHECK(p.problems.empty());
}

TEST_CASE("The last line needs no newline") {
  Parsed p = parse("a = 1\nb = 2");
  CHECK(p.entries == std::vector<Entry>{{1, "a", "1"}, {2, "b", "2"}});
}

TEST_CASE("Repeated keys are all reported in file order") {
  Parsed p = parse("a = 1\na = 2\n");
  CHECK(p.entries == std::vector<Entry>{{1, "a", "1"}, {2, "a", "2"}});
}

TEST_CASE("Empty input has no settings and no problems") {
  Parsed p = parse("");
  CHECK(p.entries.empty());
  CHECK(p.problems.empty());
}

TEST_CASE("Line without an equals sign is reported as MissingEquals") {
  Parsed p = parse("a = 1\njust words\nb = 2\n");
  CHECK(p.problems == std::vector<Problem>{{2, ConfigProblem::MissingEquals}});
  CHECK(p.entries == std::vector<Entry>{{1, "a", "1"}, {3, "b", "2"}});
}

TEST_CASE("Line with nothing before the equals sign is reported as EmptyKey") {
  Parsed p = parse("\n  = value\n");
  CHECK(p.problems == std::vector<Problem>{{2, ConfigProblem::EmptyKey}});
  CHECK(p.entries.empty());
}

TEST_CASE("Line with a control character is reported and ignored") {
  std::string text = "a = 1\nb = x";
  text += '\x01';
  text += "y\nc = \x7f\nd = \x1b[31m\ne = \x1f\n";
  Parsed p = parse(text);
  CHECK(p.problems == std::vector<Problem>{{2, ConfigProblem::ControlCharacter},
                                           {3, ConfigProblem::ControlCharacter},
                                           {4, ConfigProblem::ControlCharacter},
                                           {5, ConfigProblem::ControlCharacter}});
  CHECK(p.entries == std::vector<Entry>{{1, "a", "1"}});
}

TEST_CASE("A NUL byte in a line is a control character") {
  std::string text("a = x\0y\n", 8);
  Parsed p = parse(text);
  CHECK(p.problems == std::vector<Problem>{{1, ConfigProblem::ControlCharacter}});
}

TEST_CASE("Tabs inside a value are not control characters") {
  Parsed p = parse("a = x\ty\n");
  CHECK(p.entries == std::vector<Entry>{{1, "a", "x\ty"}});
}

TEST_CASE("UTF-8 text is accepted in keys and values") {
  Parsed p = parse("gr\xc3\xbc\xc3\x9f = \xe2\x82\xac\n");
  CHECK(p.entries == std::vector<Entry>{{1, "gr\xc3\xbc\xc3\x9f", "\xe2\x82\xac"}});
}

TEST_CASE("Every config problem has its own text") {
  std::set<std::string> texts;
  for (ConfigProblem p :
       {ConfigProblem::MissingEquals, ConfigProblem::EmptyKey, ConfigProblem::ControlCharacter})
    texts.insert(test::str(libk::config_problem_text(p)));
  CHECK(texts.size() == 3);
}

// --- parse_resolution -------------------------------------------------------------------------

TEST_CASE("parse_resolution reads WIDTHxHEIGHT") {
  auto r = libk::parse_resolution("1280x800");
  REQUIRE(r.has_value());
  CHECK(*r == Resolution{1280, 800});
}

TEST_CASE("parse_resolution accepts sides from 1 to 65535") {
  CHECK(libk::parse_resolution("1x1").value_or({}) == Resolution{1, 1});
  CHECK(libk::parse_resolution("65535x65535").value_or({}) == Resolution{65535, 65535});
}

TEST_CASE("parse_resolution rejects zero or oversized sides") {
  for (const char* text : {"0x800", "1280x0", "65536x600", "800x65536", "99999999999999999999x1"}) {
    CAPTURE(text);
    CHECK_FALSE(libk::parse_resolution(text).has_value());
  }
}

TEST_CASE("parse_resolution rejects anything that is not two numbers around an x") {
  for (const char* text : {"", "x", "1280", "1280x", "x800", "1280*800", "1280X800", " 1280x800",
                           "1280x800 ", "1280 x 800", "-1x5", "1280x800x600", "axb"}) {
    CAPTURE(text);
    CHECK_FALSE(libk::parse_resolution(text).has_value());
  }
}
