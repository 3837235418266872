// libFuzzer harness for the loader's text parsers: ember.conf (parse_config,
// parse_resolution) and the kernel command line (CommandLine). Every view they return must
// lie inside the input; lookups must agree with iteration.
#include <stddef.h>
#include <stdint.h>

#include <libk/cmdline.hpp>
#include <libk/config.hpp>

namespace {

void require(bool ok) {
  if (!ok) __builtin_trap();
}

void require_inside(libk::StringView part, libk::StringView whole) {
  if (part.empty()) return;  // an empty view may point anywhere
  require(part.data() >= whole.data() && part.end() <= whole.end());
}

void check_resolution(libk::StringView text) {
  auto r = libk::parse_resolution(text);
  if (r) require(r->width >= 1 && r->width <= 65535 && r->height >= 1 && r->height <= 65535);
}

void check_config(libk::StringView text) {
  u32 last_line = 0;
  u32 lines = 1;
  for (char c : text) lines += c == '\n';
  libk::parse_config(
      text,
      [&](const libk::ConfigLine& line) {
        require(line.number > last_line && line.number <= lines);
        last_line = line.number;
        require(!line.key.empty());
        require_inside(line.key, text);
        require_inside(line.value, text);
        require(line.key.find('=') == libk::StringView::npos);
        check_resolution(line.value);
      },
      [&](u32 number, libk::ConfigProblem problem) {
        require(number > last_line && number <= lines);
        last_line = number;
        require(libk::config_problem_text(problem) != "malformed line");
      });
}

void check_cmdline(libk::StringView text) {
  libk::CommandLine cmdline(text);
  libk::StringView kept = cmdline.text();
  require(kept.size() <= libk::CommandLine::kMaxLength && kept.data() == text.data());
  int checked = 0;
  cmdline.for_each([&](const libk::CmdlineToken& t) {
    require(!t.key.empty());
    require(t.key.find('"') == libk::StringView::npos);
    require_inside(t.key, kept);
    require_inside(t.value, kept);
    require(t.has_value || t.value.empty());
    if (checked++ >= 4) return;  // lookups rescan the line: keep runs cheap
    require(cmdline.has(t.key));
    if (t.has_value) {
      auto v = cmdline.get(t.key);
      require(v.has_value());
      require_inside(*v, kept);
    }
  });
  cmdline.for_each_problem([&](libk::StringView raw, libk::CmdlineProblem problem) {
    require(!raw.empty());
    require_inside(raw, kept);
    require(libk::cmdline_problem_text(problem) != "malformed token");
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  libk::StringView text(reinterpret_cast<const char*>(data), size);
  check_config(text);
  check_resolution(text);
  check_cmdline(text);
  return 0;
}
