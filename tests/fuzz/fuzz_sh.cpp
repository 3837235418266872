// libFuzzer harness for the user shell's language (libk/include/sh): bytes -> parse -> expand
// every word -> run through a system that starts nothing, and the same bytes as a script read
// in small chunks.
//
// Checked: no crash or sanitizer report; the tree's indices stay inside its tables and every
// word is a view into the input; pipelines hold at most kMaxPipeline commands; expansion never
// writes past its buffer and always NUL-terminates. Seeds: tests/fuzz/corpus/sh/.
#include <cstdlib>
#include <cstring>
#include <sh/executor.hpp>

namespace {

using namespace sh;

// Starts "processes" that exit 0 at once; reads the fuzz input back as a script.
struct NullSystem final : System {
  const char* script = nullptr;
  usize length = 0, at = 0;
  i64 next = 1;

  libk::Result<i64, SpawnError> spawn(const char*, const char* const* argv,
                                      libk::Span<const FileAction>, i64) override {
    if (!argv[0]) abort();
    return next++;
  }
  libk::Result<i64, Error> wait(i64 pid) override {
    if (pid <= 0 || pid >= next) abort();
    return 0;
  }
  libk::Result<PipeFds, Error> pipe() override { return PipeFds{3, 4}; }
  libk::Result<i32, Error> open(const char*, u32) override { return 3; }
  libk::Result<void, Error> close(i32) override { return {}; }
  libk::Result<void, Error> dup2(i32, i32) override { return {}; }
  libk::Result<usize, Error> read(i32, char* buffer, usize size) override {
    usize n = length - at < 3 ? length - at : 3;
    n = n < size ? n : size;
    memcpy(buffer, script + at, n);
    at += n;
    return n;
  }
  libk::Result<void, Error> chdir(const char*) override { return {}; }
  libk::Result<i64, Error> fork_run(i64 (*)(void*), void*) override {
    return libk::unexpected(Error::NoSys);
  }
  libk::Result<void, Error> set_foreground(i64) override { return {}; }
  void prompt(bool) override {}
  void diagnostic(libk::StringView) override {}
};

void check_tree(const Program& p, const u8* data, usize size) {
  for (const Word& w : p.words)
    if (w.raw.data() < reinterpret_cast<const char*>(data) ||
        w.raw.data() + w.raw.size() > reinterpret_cast<const char*>(data) + size)
      abort();
  for (const AndOr& l : p.and_ors)
    if (l.first_pipeline + l.pipeline_count > p.pipelines.size()) abort();
  for (const Pipeline& pl : p.pipelines)
    if (pl.first_command + pl.command_count > p.commands.size() || pl.command_count > kMaxPipeline)
      abort();
  for (const Command& c : p.commands)
    if (c.first_word + c.word_count > p.words.size() ||
        c.first_redirect + c.redirect_count > p.redirects.size())
      abort();
}

void expand_all(const Program& p, const Variables& vars) {
  static char out[64 + 1];
  for (const Word& w : p.words) {
    out[64] = '\x5a';
    auto n = expand(w.raw, vars, out, 64);
    if (out[64] != '\x5a') abort();
    if (n && (n.value() >= 64 || out[n.value()] != '\0')) abort();
  }
}

constinit Program program;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const u8* data, usize size) {
  libk::StringView text(reinterpret_cast<const char*>(data), size);
  Variables vars;
  (void)vars.set("X", "a b");
  auto parsed = parse(text, program);
  check_tree(program, data, size);
  if (parsed) expand_all(program, vars);
  NullSystem system;
  system.script = text.data();
  system.length = size;
  Executor executor(system, vars);
  executor.run_text(text);
  Executor script(system, vars);
  script.run_script(0);
  return 0;
}
